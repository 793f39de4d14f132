package io.rtpipe.core.event;

import io.rtpipe.core.metric.FieldPath;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a decoder must extract from each event: scalar values at field paths (by slot: the path's index in
 * {@link #paths()}), whole values of some top-level fields (for CEL filters), or the whole event. Immutable.
 *
 * @param paths       field paths whose scalar value (and kind) is extracted, in slot order; no duplicates
 * @param wholeValues top-level fields whose whole value is materialized as CEL-ready objects, by index
 * @param wholeEvent  whether the whole event is materialized as a map
 */
public record FieldSelection(List<FieldPath> paths, List<String> wholeValues, boolean wholeEvent) {
    public FieldSelection {
        paths = List.copyOf(paths);
        wholeValues = List.copyOf(wholeValues);
        if (new LinkedHashSet<>(paths).size() != paths.size()
                || new LinkedHashSet<>(wholeValues).size() != wholeValues.size()) {
            throw new IllegalArgumentException("a field selection lists a field twice: " + paths + wholeValues);
        }
    }

    /** The slot of {@code path}, or -1. */
    public int slot(FieldPath path) {
        return paths.indexOf(path);
    }

    /** The index of the top-level field {@code name} among {@link #wholeValues()}, or -1. */
    public int wholeValueIndex(String name) {
        return wholeValues.indexOf(name);
    }

    /** Collects a selection; adding a path or field twice keeps its first slot. */
    public static final class Builder {
        private final Set<FieldPath> paths = new LinkedHashSet<>();
        private final Set<String> wholeValues = new LinkedHashSet<>();
        private boolean wholeEvent;

        public Builder path(FieldPath path) {
            paths.add(Objects.requireNonNull(path, "path"));
            return this;
        }

        public Builder wholeValue(String topLevelField) {
            wholeValues.add(Objects.requireNonNull(topLevelField, "topLevelField"));
            return this;
        }

        public Builder wholeEvent() {
            wholeEvent = true;
            return this;
        }

        public FieldSelection build() {
            return new FieldSelection(new ArrayList<>(paths), new ArrayList<>(wholeValues), wholeEvent);
        }
    }
}
