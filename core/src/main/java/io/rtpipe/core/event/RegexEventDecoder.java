package io.rtpipe.core.event;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One text line per record, matched as a whole by a regular expression whose named groups are the event's fields
 * ({@code (?<ts>\d+) (?<type>\w+)}); a group that did not take part in the match is missing. Values are typed as
 * {@link TextValues} describes. A trailing CR or LF is ignored.
 */
final class RegexEventDecoder implements EventDecoder {
    private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

    private final Matcher matcher;
    private final List<String> groups;
    private final TextValues values;

    RegexEventDecoder(Pattern pattern, FieldSelection selection) {
        this.matcher = pattern.matcher("");
        this.groups = groupNames(pattern);
        this.values = new TextValues(groups, selection);
    }

    /** The named groups of {@code pattern}, in order. */
    static List<String> groupNames(Pattern pattern) {
        List<String> names = new ArrayList<>();
        Matcher m = GROUP_NAME.matcher(pattern.pattern());
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Override
    public String decode(byte[] data, EventFields into) {
        into.clear();
        String line = values.text(data);
        if (line == null) {
            return "not valid text: the record is not valid UTF-8";
        }
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) {
            end--;
        }
        matcher.reset(line).region(0, end);
        if (!matcher.matches()) {
            return "does not match the decoder's pattern";
        }
        Map<String, Object> event = values.newEvent();
        for (int i = 0; i < groups.size(); i++) {
            if (values.needed(i)) {
                String value = matcher.group(groups.get(i));
                if (value != null) {
                    values.store(i, value, into, event);
                }
            }
        }
        into.setWholeEvent(event);
        return null;
    }
}
