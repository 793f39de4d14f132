package io.rtpipe.core.aggregate;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.math.BigInteger;

/** Reading partial values back from a store, where numbers may come back as any {@link Number} type. */
final class Partials {
    private Partials() {
    }

    static long asLong(String fn, Object partial) {
        if (partial instanceof Long || partial instanceof Integer || partial instanceof Short
                || partial instanceof Byte || partial instanceof BigInteger) {
            return ((Number) partial).longValue();
        }
        if (partial instanceof BigDecimal d) {
            return d.longValueExact();
        }
        throw notAPartial(fn, partial);
    }

    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    /**
     * True if a stored number is integral (a sum or extremum of integers), false if it is a floating-point value.
     * A whole BigDecimal beyond 64 bits (a double sum such as 1e308 read back from DynamoDB) is floating-point: as a
     * long it would wrap around.
     */
    static boolean isIntegral(Number number) {
        if (number instanceof Double || number instanceof Float) {
            return false;
        }
        if (number instanceof BigDecimal d) {
            return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0
                    && d.compareTo(LONG_MIN) >= 0 && d.compareTo(LONG_MAX) <= 0;
        }
        return true;
    }

    static Number asNumber(String fn, Object partial) {
        if (partial instanceof Number n) {
            return n;
        }
        throw notAPartial(fn, partial);
    }

    static byte[] asBytes(String fn, Object partial) {
        if (partial instanceof byte[] bytes) {
            return bytes;
        }
        throw notAPartial(fn, partial);
    }

    /** Bytes before the values of an exact form: format, version, int count. */
    private static final int EXACT_HEADER_BYTES = 6;

    /**
     * A buffer for an exact form, the partial distinct and quantile write while they hold their values themselves:
     * {@code [format, version, int n, n 8-byte values]}; the caller puts the n values.
     */
    static ByteBuffer newExactForm(byte format, byte version, int n) {
        return ByteBuffer.allocate(EXACT_HEADER_BYTES + 8 * n).put(format).put(version).putInt(n);
    }

    /**
     * Checks the header of an exact form (whose first byte the caller has recognised) and returns a buffer at its
     * first value; {@code remaining() / 8} values follow.
     */
    static ByteBuffer exactFormValues(String fn, byte[] bytes, byte version) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        buffer.get();
        byte found = buffer.get();
        if (found != version) {
            throw new IllegalArgumentException("not a partial of " + fn + ": exact form version " + found
                    + " is unknown (this build reads version " + version + ")");
        }
        int n = bytes.length >= EXACT_HEADER_BYTES ? buffer.getInt() : -1;
        if (n < 0 || bytes.length != EXACT_HEADER_BYTES + 8L * n) {
            throw new IllegalArgumentException("not a partial of " + fn + ": exact form of " + bytes.length
                    + " bytes is truncated or too long");
        }
        return buffer;
    }

    /**
     * Reads and checks the {@code [format, version]} header of a summary partial (a forest's, hotspots' points);
     * the caller's message names the aggregate.
     */
    static void readSummaryHeader(ByteBuffer in, byte format, byte version) {
        if (in.get() != format) {
            throw new IllegalArgumentException("unknown format");
        }
        byte found = in.get();
        if (found != version) {
            throw new IllegalArgumentException("version " + found + " is unknown (this build reads " + version + ")");
        }
    }

    static IllegalArgumentException notAPartial(String fn, Object partial) {
        String kind = partial == null ? "null" : partial.getClass().getSimpleName();
        return new IllegalArgumentException("not a partial of " + fn + ": found a " + kind);
    }

    static <T extends AggregateState> T sameKind(Class<T> type, AggregateState other) {
        if (!type.isInstance(other)) {
            throw new IllegalArgumentException("cannot merge a " + other.getClass().getSimpleName() + " into a "
                    + type.getSimpleName());
        }
        return type.cast(other);
    }
}
