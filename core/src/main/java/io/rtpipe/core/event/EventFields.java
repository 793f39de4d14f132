package io.rtpipe.core.event;

import io.rtpipe.core.filter.EventFilter;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The fields a decoder extracted from one event, per {@link FieldSelection}: a kind and scalar value per slot, the
 * whole value of selected top-level fields, and optionally the whole event. Mutable and reused from record to record
 * so that decoding allocates little beyond the strings it extracts; valid until the next decode.
 */
public final class EventFields {
    private final FieldKind[] kinds;
    private final long[] longs;
    private final double[] doubles;
    private final String[] texts;
    private final Object[] wholeValues;
    private Map<String, Object> wholeEvent;

    public EventFields(FieldSelection selection) {
        this(selection, 0);
    }

    /**
     * @param extraSlots slots past the selection's, which no decoder fills (the engine's derived fields): cleared
     *                   with the others before each event
     */
    public EventFields(FieldSelection selection, int extraSlots) {
        int slots = selection.paths().size() + extraSlots;
        kinds = new FieldKind[slots];
        longs = new long[slots];
        doubles = new double[slots];
        texts = new String[slots];
        wholeValues = new Object[selection.wholeValues().size()];
        clear();
    }

    /** Forgets the previous event: every slot {@link FieldKind#MISSING}. */
    public void clear() {
        Arrays.fill(kinds, FieldKind.MISSING);
        Arrays.fill(texts, null);
        Arrays.fill(wholeValues, null);
        wholeEvent = null;
    }

    public void setString(int slot, String value) {
        kinds[slot] = FieldKind.STRING;
        texts[slot] = value;
    }

    public void setLong(int slot, long value) {
        kinds[slot] = FieldKind.INTEGER;
        longs[slot] = value;
        texts[slot] = null;
    }

    public void setDouble(int slot, double value) {
        kinds[slot] = FieldKind.DECIMAL;
        doubles[slot] = value;
        texts[slot] = null;
    }

    public void setBoolean(int slot, boolean value) {
        kinds[slot] = FieldKind.BOOLEAN;
        longs[slot] = value ? 1 : 0;
        texts[slot] = null;
    }

    /** An integral number beyond 64 bits: kept as its text (and as a double for arithmetic). */
    public void setBigInteger(int slot, String text) {
        kinds[slot] = FieldKind.INTEGER_TOO_LARGE;
        texts[slot] = text;
        doubles[slot] = Double.parseDouble(text);
    }

    /** A kind without a scalar value: NULL, OBJECT, ARRAY or MISSING. */
    public void setKind(int slot, FieldKind kind) {
        kinds[slot] = kind;
        texts[slot] = null;
    }

    /** Sets a slot from a CEL-ready value (see {@link io.rtpipe.core.filter.FieldLookup}); null = missing. */
    public void setFromValue(int slot, Object value) {
        if (value == null) {
            setKind(slot, FieldKind.MISSING);
        } else if (value instanceof String s) {
            setString(slot, s);
        } else if (value instanceof Long l) {
            setLong(slot, l);
        } else if (value instanceof BigInteger b) {
            setBigInteger(slot, b.toString());
        } else if (value instanceof Double d) {
            setDouble(slot, d);
        } else if (value instanceof Boolean b) {
            setBoolean(slot, b);
        } else if (value instanceof Map) {
            setKind(slot, FieldKind.OBJECT);
        } else if (value instanceof List) {
            setKind(slot, FieldKind.ARRAY);
        } else if (value == EventFilter.JSON_NULL) {
            setKind(slot, FieldKind.NULL);
        } else {
            throw new IllegalArgumentException("not an event value: " + value.getClass().getName());
        }
    }

    /**
     * Keeps the text a text decoder read a value from (a number or boolean in a CSV or regex record): group-by takes
     * such values as written.
     */
    public void setText(int slot, String text) {
        texts[slot] = text;
    }

    public void setWholeValue(int index, Object value) {
        wholeValues[index] = value;
    }

    public void setWholeEvent(Map<String, Object> event) {
        wholeEvent = event;
    }

    /** What the field in {@code slot} held; {@link FieldKind#MISSING} if the event did not have it. */
    public FieldKind kind(int slot) {
        return kinds[slot];
    }

    /** The value of an {@link FieldKind#INTEGER} field, or 1/0 for a {@link FieldKind#BOOLEAN}. */
    public long longValue(int slot) {
        return longs[slot];
    }

    /** The value of a {@link FieldKind#DECIMAL} or {@link FieldKind#INTEGER_TOO_LARGE} field. */
    public double doubleValue(int slot) {
        return doubles[slot];
    }

    /**
     * The value of a {@link FieldKind#STRING} field, the literal text of an {@link FieldKind#INTEGER_TOO_LARGE}, or
     * the text a text decoder read any other scalar from (null for JSON numbers and booleans).
     */
    public String text(int slot) {
        return texts[slot];
    }

    /** The whole value of a selected top-level field (CEL-ready objects), or null if the event lacks it. */
    public Object wholeValue(int index) {
        return wholeValues[index];
    }

    /** The whole event as a map of CEL-ready values, if the selection asked for it, else null. */
    public Map<String, Object> wholeEvent() {
        return wholeEvent;
    }
}
