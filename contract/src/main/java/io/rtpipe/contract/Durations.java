package io.rtpipe.contract;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one format of duration settings, as people write them and as the CDK app sets them: {@code 500ms}, {@code 30s},
 * {@code 2m}, {@code 1h}, {@code 30d}, or ISO-8601 ({@code PT30S}). Setting defaults are written in it.
 */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    /** @throws IllegalArgumentException with a sentence saying how to write one */
    public static Duration parse(String value) {
        String text = value.trim();
        Matcher m = SIMPLE.matcher(text);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            return Duration.parse(text);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + value + "' is not a duration; write it like 500ms, 30s, 2m, 1h "
                    + "or 30d");
        }
    }

    /** Whole days in this format, e.g. {@code 30d}. */
    public static String days(int days) {
        return days + "d";
    }
}
