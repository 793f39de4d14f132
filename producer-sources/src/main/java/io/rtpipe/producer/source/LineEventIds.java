package io.rtpipe.producer.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Gives a line that is one JSON object an event-id field when it has none, so the consumer's event-id
 * de-duplication recognises copies of the line. The field is inserted right after the opening brace; every other
 * byte of the line stays as it was. Lines that are not exactly one JSON object, or that already have the field at
 * the top level (whatever its value), are left unchanged: a user's own id wins, and CSV or plain-text lines cannot
 * carry a field without changing what the consumer's decoder reads.
 */
final class LineEventIds {

    private static final JsonFactory JSON = new JsonFactory();

    private final String field;
    /** {@code "field":"} with the name JSON-escaped. */
    private final byte[] fieldPrefix;

    LineEventIds(String field) {
        this.field = field;
        this.fieldPrefix = ("\"" + new String(JsonStringEncoder.getInstance().quoteAsString(field)) + "\":\"")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The line with {@code "field":"id"} added if it is a JSON object without the field, else the line itself. */
    byte[] stamp(byte[] line, String id) {
        int brace = firstNonBlank(line);
        if (brace < 0 || line[brace] != '{') {
            return line; // cheap exit for text and CSV lines
        }
        Boolean empty = objectWithoutField(line);
        if (empty == null) {
            return line;
        }
        byte[] quotedId = JsonStringEncoder.getInstance().quoteAsUTF8(id);
        byte[] separator = empty ? new byte[0] : new byte[] {','};
        byte[] stamped = new byte[line.length + fieldPrefix.length + quotedId.length + 1 + separator.length];
        int at = brace + 1;
        System.arraycopy(line, 0, stamped, 0, at);
        System.arraycopy(fieldPrefix, 0, stamped, at, fieldPrefix.length);
        at += fieldPrefix.length;
        System.arraycopy(quotedId, 0, stamped, at, quotedId.length);
        at += quotedId.length;
        stamped[at++] = '"';
        System.arraycopy(separator, 0, stamped, at, separator.length);
        at += separator.length;
        System.arraycopy(line, brace + 1, stamped, at, line.length - brace - 1);
        return stamped;
    }

    /**
     * Null unless the line is exactly one JSON object without the field at the top level; then whether the object is
     * empty (so the inserted field needs no comma after it).
     */
    private Boolean objectWithoutField(byte[] line) {
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            boolean empty = true;
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                empty = false;
                if (field.equals(p.currentName())) {
                    return null;
                }
                p.nextToken();
                p.skipChildren();
            }
            if (token != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
            return empty;
        } catch (IOException notOneJsonObject) {
            return null;
        }
    }

    private static int firstNonBlank(byte[] line) {
        for (int i = 0; i < line.length; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return i;
            }
        }
        return -1;
    }
}
