package io.rtpipe.core.event;

import java.util.Arrays;

/**
 * The top-level fields a {@link JsonEventDecoder} was asked to extract from one event, by slot. Mutable and reused
 * from record to record so that decoding allocates nothing but the strings it extracts.
 */
public final class EventFields {
    private final FieldKind[] kinds;
    private final long[] longs;
    private final String[] texts;

    EventFields(int slots) {
        kinds = new FieldKind[slots];
        longs = new long[slots];
        texts = new String[slots];
        clear();
    }

    void clear() {
        Arrays.fill(kinds, FieldKind.MISSING);
        Arrays.fill(texts, null);
    }

    void set(int slot, FieldKind kind, long longValue, String text) {
        kinds[slot] = kind;
        longs[slot] = longValue;
        texts[slot] = text;
    }

    /** What the field in {@code slot} held; {@link FieldKind#MISSING} if the event did not have it. */
    public FieldKind kind(int slot) {
        return kinds[slot];
    }

    /** The value of an {@link FieldKind#INTEGER} field. */
    public long longValue(int slot) {
        return longs[slot];
    }

    /** The value of a {@link FieldKind#STRING} field, or the literal text of an {@link FieldKind#INTEGER_TOO_LARGE}. */
    public String text(int slot) {
        return texts[slot];
    }
}
