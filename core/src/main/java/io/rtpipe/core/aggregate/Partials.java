package io.rtpipe.core.aggregate;

import java.math.BigDecimal;
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

    /** True if a stored number is integral (a sum or extremum of integers), false if it is a floating-point value. */
    static boolean isIntegral(Number number) {
        if (number instanceof Double || number instanceof Float) {
            return false;
        }
        if (number instanceof BigDecimal d) {
            return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
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
