package io.rtpipe.core.metric;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A field of an event, possibly nested: {@code user.country} is the field {@code country} of the object in the
 * top-level field {@code user}. Segments are separated by dots and may not be empty or contain whitespace.
 */
public record FieldPath(List<String> segments) {
    private static final Pattern SEGMENT = Pattern.compile("[^.\\s]+");

    public FieldPath {
        segments = List.copyOf(segments);
        if (segments.isEmpty() || !segments.stream().allMatch(s -> SEGMENT.matcher(s).matches())) {
            throw new IllegalArgumentException("not a field path: " + segments);
        }
    }

    /** @throws IllegalArgumentException unless {@code path} is dot-separated non-empty names without whitespace */
    public static FieldPath parse(String path) {
        return new FieldPath(List.of(path.split("\\.", -1)));
    }

    /** Whether {@code path} is dot-separated non-empty names without whitespace. */
    public static boolean isValid(String path) {
        for (String segment : path.split("\\.", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                return false;
            }
        }
        return true;
    }

    /** The top-level field this path starts at. */
    public String root() {
        return segments.get(0);
    }

    public boolean isNested() {
        return segments.size() > 1;
    }

    @Override
    public String toString() {
        return String.join(".", segments);
    }
}
