package io.rtpipe.core.event;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which decoder turns record payloads into events, chosen per spec file (top-level {@code decoder:} key, see
 * docs/metrics.md). Immutable. {@link #json()} is the default.
 */
public sealed interface DecoderSpec {

    /** A decoder extracting {@code selection} (one instance per shard engine: decoders are not thread-safe). */
    EventDecoder create(FieldSelection selection);

    /** One JSON object per record (JSON lines). */
    static DecoderSpec json() {
        return Json.INSTANCE;
    }

    /** One JSON object per record. */
    enum Json implements DecoderSpec {
        INSTANCE;

        @Override
        public EventDecoder create(FieldSelection selection) {
            return new JsonEventDecoder(selection);
        }

        @Override
        public String toString() {
            return "json";
        }
    }

    /**
     * One CSV line per record.
     *
     * @param header    the column names, in order (distinct, non-empty)
     * @param delimiter the separator, ',' by default
     */
    record Csv(List<String> header, char delimiter) implements DecoderSpec {
        public Csv {
            header = List.copyOf(header);
            if (header.isEmpty() || header.stream().anyMatch(String::isEmpty)
                    || header.stream().distinct().count() != header.size()) {
                throw new IllegalArgumentException("a CSV header needs distinct non-empty column names, got " + header);
            }
            if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
                throw new IllegalArgumentException("a CSV delimiter cannot be a quote or line break");
            }
        }

        @Override
        public EventDecoder create(FieldSelection selection) {
            return new CsvEventDecoder(header, delimiter, selection);
        }
    }

    /**
     * One text line per record, matched by a pattern whose named groups are the fields.
     *
     * @param pattern a Java regular expression with at least one named group
     */
    record Regex(Pattern pattern) implements DecoderSpec {
        public Regex {
            Objects.requireNonNull(pattern, "pattern");
            if (RegexEventDecoder.groupNames(pattern).isEmpty()) {
                throw new IllegalArgumentException("a decoder pattern needs named groups such as (?<ts>\\d+)");
            }
        }

        @Override
        public EventDecoder create(FieldSelection selection) {
            return new RegexEventDecoder(pattern, selection);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Regex other && other.pattern.pattern().equals(pattern.pattern())
                    && other.pattern.flags() == pattern.flags();
        }

        @Override
        public int hashCode() {
            return pattern.pattern().hashCode();
        }
    }
}
