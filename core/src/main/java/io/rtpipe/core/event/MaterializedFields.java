package io.rtpipe.core.event;

import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Fills {@link EventFields} from an event already materialized as CEL-ready values (nested maps and lists, as
 * {@link EventFields#setFromValue} takes them): what the binary decoders produce. A path segment walks into a map
 * (an Avro record or map, a Protobuf message or map field); a path through anything else is missing, as in JSON.
 */
final class MaterializedFields {
    private final String[][] paths;
    private final String[] wholeValues;
    private final boolean wholeEvent;

    MaterializedFields(FieldSelection selection) {
        paths = selection.paths().stream().map(path -> path.segments().toArray(String[]::new))
                .toArray(String[][]::new);
        wholeValues = selection.wholeValues().toArray(String[]::new);
        wholeEvent = selection.wholeEvent();
    }

    /**
     * The top-level fields the selection reads (path roots and whole values), or null for all of them (the whole
     * event is asked for): the binary readers materialize only these, which halves the cost for a typical spec.
     */
    static Set<String> roots(FieldSelection selection) {
        if (selection.wholeEvent()) {
            return null;
        }
        Set<String> roots = new HashSet<>(selection.wholeValues());
        selection.paths().forEach(path -> roots.add(path.root()));
        return Set.copyOf(roots);
    }

    void fill(Map<String, Object> event, EventFields into) {
        for (int slot = 0; slot < paths.length; slot++) {
            into.setFromValue(slot, walk(event, paths[slot]));
        }
        for (int i = 0; i < wholeValues.length; i++) {
            into.setWholeValue(i, event.get(wholeValues[i]));
        }
        if (wholeEvent) {
            into.setWholeEvent(event);
        }
    }

    private static Object walk(Map<String, Object> event, String[] path) {
        Object value = event;
        for (String segment : path) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(segment);
        }
        return value;
    }

    /** Bytes as base64 text: what the JSON mappings of Avro tools and Protobuf (proto3 JSON) print for them. */
    static String bytesText(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
