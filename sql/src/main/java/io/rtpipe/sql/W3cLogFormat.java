package io.rtpipe.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A W3C_LOG_PARSE format as one Java pattern with a group per specifier, in order (KDA's COLUMN1..n), and which of
 * those columns are integers. The one owner of the regular expressions W3C_LOG_PARSE stands for: a predefined name
 * is its specifiers as KDA's reference lists them, so predefined and custom formats read alike.
 *
 * @param regex   matches a whole line of the format
 * @param integer per column, whether it is an integer (a byte count or a duration) rather than text
 */
record W3cLogFormat(String regex, List<Boolean> integer) {
    /** KDA's predefined formats by name; IIS is not among them, as its fields come from the log's #Fields header. */
    private static final Map<String, String> PREDEFINED = Map.of(
            "COMMON", "%h %l %u %t \"%r\" %>s %b",
            "COMMON WITH VHOST", "%v %h %l %u %t \"%r\" %>s %b",
            "NCSA EXTENDED", "%h %l %u %t \"%r\" %>s %b \"%[Referer]i\" \"%[User-agent]i\"",
            "REFERER", "%[Referer]i ---> %U",
            "AGENT", "%[User-agent]i");
    /** {@code %}, an optional {@code <} or {@code >}, an optional {@code [name]} or {@code {name}}, the letter. */
    private static final Pattern SPECIFIER = Pattern.compile("%([<>]?)(?:[\\[{][^\\]}]+[\\]}])?([A-Za-z%])");
    /** A value between double quotes, in which Apache escapes a quote as {@code \"}. */
    private static final String QUOTED = "((?:[^\"\\\\]|\\\\.)*)";
    /** A value that may hold spaces, outside quotes: as little as lets the rest of the line match. */
    private static final String FREE = "(.*?)";
    /** One token without spaces: hosts, users, the method, the protocol, the URL path. */
    private static final String TOKEN = "(\\S+)";

    /**
     * The format a W3C_LOG_PARSE format string names, predefined or custom.
     *
     * @throws IllegalArgumentException with the sentence saying what is refused
     */
    static W3cLogFormat of(String format) {
        String name = format.trim().toUpperCase(Locale.ROOT);
        if (name.equals("IIS")) {
            throw new IllegalArgumentException("the format IIS is refused: its fields are those of the log's "
                    + "#Fields header, which a record does not carry; write the line's layout as a custom format "
                    + "such as '%h %u %t \"%r\" %>s %b' or as a REGEX_LOG_PARSE pattern.");
        }
        String specifiers = PREDEFINED.getOrDefault(name, format);
        StringBuilder regex = new StringBuilder();
        List<Boolean> integer = new ArrayList<>();
        Matcher m = SPECIFIER.matcher(specifiers);
        int literalFrom = 0;
        while (m.find()) {
            regex.append(literal(specifiers.substring(literalFrom, m.start()), format));
            literalFrom = m.end();
            char letter = m.group(2).charAt(0);
            if (letter == '%') {
                regex.append('%');
                continue;
            }
            boolean quoted = m.start() > 0 && specifiers.charAt(m.start() - 1) == '"'
                    && m.end() < specifiers.length() && specifiers.charAt(m.end()) == '"';
            regex.append(switch (letter) {
                case 'h', 'a', 'A', 'l', 'u', 'v', 'V', 'H', 'm', 'U', 'f', 'p', 'P' -> quoted ? QUOTED : TOKEN;
                case 'r', 'i', 'o', 'C', 'e', 'n' -> quoted ? QUOTED : FREE;
                case 'q' -> "(\\S*)";
                // KDA's COMMON example keeps the brackets of %t; a format writing [%t] has them outside the column.
                case 't' -> "(\\[[^\\]]*\\]|[^\\[\\]]+)";
                // A status stays text, like any parsed column, so that it groups as written.
                case 's' -> "(\\d{3})";
                // CLF writes no bytes as '-': the column is then null rather than a text among integers.
                case 'b' -> "(?:(\\d+)|-)";
                case 'B', 'D', 'T' -> "(\\d+)";
                default -> throw unknown(m.group(), format);
            });
            integer.add(letter == 'b' || letter == 'B' || letter == 'D' || letter == 'T');
        }
        regex.append(literal(specifiers.substring(literalFrom), format));
        if (integer.isEmpty()) {
            throw new IllegalArgumentException("the format \"" + format + "\" has no specifier, expected COMMON, "
                    + "COMMON WITH VHOST, NCSA EXTENDED, REFERER, AGENT or specifiers such as '%h %t \"%r\"'.");
        }
        return new W3cLogFormat(regex.toString(), List.copyOf(integer));
    }

    /** The text between specifiers, matched as written; a '%' left in it is a specifier not taken here. */
    private static String literal(String text, String format) {
        int stray = text.indexOf('%');
        if (stray >= 0) {
            throw unknown(text.substring(stray).split("[\\s\"]", 2)[0], format);
        }
        return text.isEmpty() ? "" : Pattern.quote(text);
    }

    private static IllegalArgumentException unknown(String specifier, String format) {
        return new IllegalArgumentException("found the specifier " + specifier + " in the format \"" + format
                + "\", expected COMMON, COMMON WITH VHOST, NCSA EXTENDED, REFERER, AGENT or a format of the "
                + "specifiers %h %a %A %l %u %v %V %H %m %U %f %p %P %q %r %t %s %b %B %D %T and %[name]i, o, C, "
                + "e or n.");
    }
}
