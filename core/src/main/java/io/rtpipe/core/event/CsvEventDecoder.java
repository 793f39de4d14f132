package io.rtpipe.core.event;

import java.util.List;
import java.util.Map;

/**
 * One CSV line per record, columns named by the spec's header (records carry no header line). Values may be quoted
 * with double quotes ({@code ""} inside quotes is one quote); a line must have exactly as many values as the header.
 * Values are typed as {@link TextValues} describes; a column named {@code user.country} is the path
 * {@code user.country}. A trailing CR or LF is ignored.
 */
final class CsvEventDecoder implements EventDecoder {
    private final TextValues values;
    private final char delimiter;
    private final StringBuilder cell = new StringBuilder();

    CsvEventDecoder(List<String> header, char delimiter, FieldSelection selection) {
        this.values = new TextValues(header, selection);
        this.delimiter = delimiter;
    }

    @Override
    public String decode(byte[] data, EventFields into) {
        into.clear();
        String line = values.text(data);
        if (line == null) {
            return "not valid CSV: the record is not valid UTF-8";
        }
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) {
            end--;
        }
        if (end == 0) {
            return "not valid CSV: the record is empty";
        }
        Map<String, Object> event = values.newEvent();
        int column = 0;
        int i = 0;
        while (true) {
            cell.setLength(0);
            if (i < end && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= end) {
                        return "not valid CSV: a quoted value in column " + (column + 1) + " is not closed";
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < end && line.charAt(i) == '"') {
                            cell.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        cell.append(c);
                    }
                }
                if (i < end && line.charAt(i) != delimiter) {
                    return "not valid CSV: unexpected text after the quoted value in column " + (column + 1);
                }
            } else {
                while (i < end && line.charAt(i) != delimiter) {
                    cell.append(line.charAt(i++));
                }
            }
            if (column < values.size() && values.needed(column)) {
                values.store(column, cell.toString(), into, event);
            }
            column++;
            if (i >= end) {
                break;
            }
            i++; // the delimiter
        }
        if (column != values.size()) {
            return "not valid CSV: expected " + values.size() + " values, found " + column;
        }
        into.setWholeEvent(event);
        return null;
    }
}
