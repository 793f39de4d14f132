package io.rtpipe.core.engine;

import io.rtpipe.core.event.EventFields;
import io.rtpipe.core.event.FieldKind;
import io.rtpipe.core.event.FieldSelection;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.reference.ReferenceSpec;
import io.rtpipe.core.reference.ReferenceTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Joins a decoded event with the reference tables in use: per reference, the row whose key is the text of the event's
 * {@code on} field fills every selected {@code NAME.COLUMN} slot (and the whole value {@code NAME}, for CEL filters);
 * without a matching row, or a column the row lacks, the slot is missing, as an event field the event lacks.
 * Overwrites whatever the decoder read for those paths: a reference hides an event field of its name.
 */
final class ReferenceJoin {
    private final String[] names;
    private final int[] onSlots;
    /** Per reference, the columns metrics read and their slots. */
    private final String[][] columns;
    private final int[][] slots;
    private final int[] wholeValues;
    private final boolean wholeEvent;
    private final ReferenceTable[] tables;

    /** Adds the fields the join reads (the {@code on} fields) to {@code selection}. */
    static void select(List<ReferenceSpec> references, FieldSelection.Builder selection) {
        references.forEach(reference -> selection.path(reference.on()));
    }

    ReferenceJoin(List<ReferenceSpec> references, FieldSelection selection) {
        int n = references.size();
        names = new String[n];
        onSlots = new int[n];
        columns = new String[n][];
        slots = new int[n][];
        wholeValues = new int[n];
        tables = new ReferenceTable[n];
        for (int r = 0; r < n; r++) {
            ReferenceSpec reference = references.get(r);
            names[r] = reference.name();
            onSlots[r] = selection.slot(reference.on());
            List<String> read = new ArrayList<>();
            List<Integer> readSlots = new ArrayList<>();
            for (int slot = 0; slot < selection.paths().size(); slot++) {
                FieldPath path = selection.paths().get(slot);
                if (path.root().equals(reference.name()) && path.segments().size() == 2) {
                    read.add(path.segments().get(1));
                    readSlots.add(slot);
                }
            }
            columns[r] = read.toArray(String[]::new);
            slots[r] = readSlots.stream().mapToInt(Integer::intValue).toArray();
            wholeValues[r] = selection.wholeValueIndex(reference.name());
        }
        wholeEvent = selection.wholeEvent();
    }

    /**
     * Joins the following events with {@code inUse}.
     *
     * @throws IllegalArgumentException when a reference has no table in it
     */
    void use(Map<String, ReferenceTable> inUse) {
        for (int r = 0; r < names.length; r++) {
            ReferenceTable table = inUse.get(names[r]);
            if (table == null) {
                throw new IllegalArgumentException("no table of reference " + names[r] + " is loaded");
            }
            tables[r] = table;
        }
    }

    /** Whether {@code names} holds a table for every reference. */
    boolean coveredBy(Set<String> names) {
        return names.containsAll(List.of(this.names));
    }

    void join(EventFields fields) {
        for (int r = 0; r < names.length; r++) {
            ReferenceTable.Row row = lookup(r, fields);
            for (int c = 0; c < slots[r].length; c++) {
                Object value = row == null ? null : row.values().get(columns[r][c]);
                fields.setFromValue(slots[r][c], value);
                String text = row == null ? null : row.texts().get(columns[r][c]);
                if (text != null) {
                    fields.setText(slots[r][c], text);
                }
            }
            if (wholeValues[r] >= 0) {
                fields.setWholeValue(wholeValues[r], row == null ? null : row.values());
            }
            if (wholeEvent && fields.wholeEvent() != null) {
                if (row == null) {
                    fields.wholeEvent().remove(names[r]);
                } else {
                    fields.wholeEvent().put(names[r], row.values());
                }
            }
        }
    }

    /** The row the event's {@code on} value (a string, or an integer's text) keys, or null. */
    private ReferenceTable.Row lookup(int r, EventFields fields) {
        int slot = onSlots[r];
        FieldKind kind = fields.kind(slot);
        String key;
        if (kind == FieldKind.STRING || (kind == FieldKind.INTEGER && fields.text(slot) != null)) {
            key = fields.text(slot);
        } else if (kind == FieldKind.INTEGER) {
            key = Long.toString(fields.longValue(slot));
        } else {
            return null;
        }
        return tables[r].row(key);
    }
}
