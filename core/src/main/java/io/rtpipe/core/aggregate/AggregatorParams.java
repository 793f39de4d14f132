package io.rtpipe.core.aggregate;

import java.util.List;
import java.util.Map;

/**
 * The parameters of one aggregate as written in a spec (besides name, fn and field), handed to an
 * {@link AggregatorFactory}. Accessors convert types and report mistakes; {@link #invalid} builds the exception for
 * a value the factory rejects. When the parameters come from a spec file, every exception names the file, line and
 * field (see {@code io.rtpipe.core.spec.SpecException}).
 */
public interface AggregatorParams {

    /** Whether the aggregate names a field. */
    boolean hasField();

    /** The fields of a {@link FieldUse#LIST} aggregate as written, in order; empty for every other function. */
    default List<String> fields() {
        return List.of();
    }

    /** Whether {@code key} was given. */
    boolean has(String key);

    /** The number under {@code key}, or {@code defaultValue} when absent; a non-number is an error. */
    double number(String key, double defaultValue);

    /** The whole number under {@code key}, or {@code defaultValue} when absent; anything else is an error. */
    long integer(String key, long defaultValue);

    /** The exception to throw when the value under {@code key} is not allowed: {@code expected} says what is. */
    RuntimeException invalid(String key, String expected);

    /** Parameters given directly in code (no file to point at): mistakes become IllegalArgumentExceptions. */
    static AggregatorParams of(boolean hasField, Map<String, ?> values) {
        return of(hasField, List.of(), values);
    }

    /** Parameters given in code for an aggregate of {@code fields} ({@link FieldUse#LIST}). */
    static AggregatorParams of(boolean hasField, List<String> fields, Map<String, ?> values) {
        Map<String, ?> copy = Map.copyOf(values);
        List<String> fieldsCopy = List.copyOf(fields);
        return new AggregatorParams() {
            @Override
            public boolean hasField() {
                return hasField;
            }

            @Override
            public List<String> fields() {
                return fieldsCopy;
            }

            @Override
            public boolean has(String key) {
                return copy.containsKey(key);
            }

            @Override
            public double number(String key, double defaultValue) {
                Object value = copy.get(key);
                if (value == null) {
                    return defaultValue;
                }
                if (value instanceof Number n) {
                    return n.doubleValue();
                }
                throw invalid(key, "a number");
            }

            @Override
            public long integer(String key, long defaultValue) {
                Object value = copy.get(key);
                if (value == null) {
                    return defaultValue;
                }
                if (value instanceof Long || value instanceof Integer) {
                    return ((Number) value).longValue();
                }
                throw invalid(key, "a whole number");
            }

            @Override
            public RuntimeException invalid(String key, String expected) {
                return new IllegalArgumentException(key + ": found " + copy.get(key) + ", expected " + expected);
            }
        };
    }
}
