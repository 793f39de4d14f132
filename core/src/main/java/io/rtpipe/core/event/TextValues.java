package io.rtpipe.core.event;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Shared by the text decoders (CSV, regex): maps named text values to the selected slots. A value is typed by how it
 * reads: a canonical integer (no leading zeros or plus sign, fits 64 bits) is an integer, a JSON-style decimal number
 * is a decimal, {@code true}/{@code false} a boolean, anything else a string; an empty value is missing. The original
 * text is kept in every slot, so group-by accepts numbers and booleans from text records as written.
 */
final class TextValues {
    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,18})");
    private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private final String[] names;
    /** Per name, the slot it fills (-1: not selected) and the whole-value index (-1: not selected). */
    private final int[] slots;
    private final int[] wholeValues;
    private final boolean wholeEvent;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    /** @param names the value names in the order the decoder produces them (columns, named groups) */
    TextValues(List<String> names, FieldSelection selection) {
        this.names = names.toArray(String[]::new);
        slots = new int[this.names.length];
        wholeValues = new int[this.names.length];
        for (int i = 0; i < this.names.length; i++) {
            slots[i] = -1;
            for (int slot = 0; slot < selection.paths().size(); slot++) {
                if (selection.paths().get(slot).toString().equals(this.names[i])) {
                    slots[i] = slot;
                }
            }
            wholeValues[i] = selection.wholeValueIndex(this.names[i]);
        }
        wholeEvent = selection.wholeEvent();
    }

    int size() {
        return names.length;
    }

    /** The payload as text, or null if it is not valid UTF-8. */
    String text(byte[] data) {
        try {
            return utf8.decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Whether any value must be looked at (else decoding can stop after checking the record's shape). */
    boolean needed(int i) {
        return slots[i] >= 0 || wholeValues[i] >= 0 || wholeEvent;
    }

    /** Stores value {@code i} (already unquoted) into {@code into}. */
    void store(int i, String value, EventFields into, Map<String, Object> event) {
        if (value.isEmpty()) {
            return; // missing
        }
        Object typed = typed(value);
        int slot = slots[i];
        if (slot >= 0) {
            into.setFromValue(slot, typed);
            into.setText(slot, value);
        }
        if (wholeValues[i] >= 0) {
            into.setWholeValue(wholeValues[i], typed);
        }
        if (event != null) {
            event.put(names[i], typed);
        }
    }

    Map<String, Object> newEvent() {
        return wholeEvent ? new LinkedHashMap<>() : null;
    }

    static Object typed(String value) {
        if (INTEGER.matcher(value).matches()) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                return value; // beyond 64 bits: kept as text
            }
        }
        if (DECIMAL.matcher(value).matches()) {
            return Double.parseDouble(value);
        }
        if (value.equals("true") || value.equals("false")) {
            return Boolean.valueOf(value);
        }
        return value;
    }
}
