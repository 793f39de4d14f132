package io.rtpipe.core.spec;

import java.util.LinkedHashMap;
import java.util.List;

/** A YAML value with the line it starts on, so that every spec error can point at its line. */
sealed interface YamlNode {

    int line();

    /** How the value reads in an error message: strings quoted, numbers as written, "a mapping", "a list". */
    String describe();

    /** A key of a mapping with the line the key is on. */
    record Key(String name, int line) {
    }

    record Mapping(int line, LinkedHashMap<Key, YamlNode> entries) implements YamlNode {
        @Override
        public String describe() {
            return "a mapping";
        }

        YamlNode get(String name) {
            for (var entry : entries.entrySet()) {
                if (entry.getKey().name().equals(name)) {
                    return entry.getValue();
                }
            }
            return null;
        }
    }

    record Sequence(int line, List<YamlNode> items) implements YamlNode {
        @Override
        public String describe() {
            return "a list";
        }
    }

    /**
     * A scalar: {@code value} is a String, Long, Double or Boolean, or null for an empty value / {@code null};
     * {@code text} is the value as written.
     */
    record Scalar(int line, Object value, String text) implements YamlNode {
        @Override
        public String describe() {
            if (value == null) {
                return "nothing";
            }
            return value instanceof String ? "\"" + text + "\"" : text;
        }
    }
}
