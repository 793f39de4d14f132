package io.rtpipe.core.filter;

/**
 * Gives an {@link EventFilter} the value of one top-level event field. Values must be CEL-ready: Long (not Integer),
 * Double, String, Boolean, {@code List<Object>}, {@code Map<String, Object>} (nested objects), or
 * {@link EventFilter#JSON_NULL}; return null when the event has no such field.
 */
@FunctionalInterface
public interface FieldLookup {

    Object value(String field);
}
