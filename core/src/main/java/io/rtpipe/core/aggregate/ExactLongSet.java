package io.rtpipe.core.aggregate;

import java.util.Arrays;

/**
 * A small set of 64-bit values (open addressing, linear probing) for the exact phase of {@code distinct}: adding a
 * value costs one mixed hash and usually one probe, and the set allocates only when it grows. Not thread-safe.
 */
final class ExactLongSet {
    private static final int INITIAL_CAPACITY = 8;

    /** Free slots hold 0; the value 0 itself is tracked by {@link #hasZero}. */
    private long[] slots = new long[INITIAL_CAPACITY];
    private boolean hasZero;
    private int size;

    int size() {
        return size;
    }

    /** Adds {@code value}; false if it was already present. */
    boolean add(long value) {
        if (value == 0) {
            if (hasZero) {
                return false;
            }
            hasZero = true;
            size++;
            return true;
        }
        int mask = slots.length - 1;
        for (int i = slot(value, mask); ; i = (i + 1) & mask) {
            long held = slots[i];
            if (held == value) {
                return false;
            }
            if (held == 0) {
                slots[i] = value;
                size++;
                // Grow at 3/4 load so probes stay short.
                if (4 * size > 3 * slots.length) {
                    grow();
                }
                return true;
            }
        }
    }

    /** The values in ascending order: a canonical form (independent of insertion order) for serialization. */
    long[] sortedValues() {
        long[] values = new long[size];
        int n = 0;
        if (hasZero) {
            values[n++] = 0;
        }
        for (long held : slots) {
            if (held != 0) {
                values[n++] = held;
            }
        }
        Arrays.sort(values);
        return values;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        int mask = slots.length - 1;
        for (long held : old) {
            if (held != 0) {
                int i = slot(held, mask);
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[i] = held;
            }
        }
    }

    /** Values may be small consecutive integers (user numbers): mix the bits before taking the slot. */
    private static int slot(long value, int mask) {
        long h = value * 0x9e3779b97f4a7c15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
