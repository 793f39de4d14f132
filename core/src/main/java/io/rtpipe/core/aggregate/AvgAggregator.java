package io.rtpipe.core.aggregate;

import java.nio.ByteBuffer;

/**
 * Mean of a numeric field. Partial: 17 bytes (1 byte "sum is integral", the sum as long or double bits, the count),
 * or null when nothing was added; result: Double, or null.
 */
final class AvgAggregator extends SummingAggregator {
    private static final int PARTIAL_BYTES = 17;

    @Override
    public String fn() {
        return "avg";
    }

    @Override
    long restore(Object partial, NumericSum sum) {
        byte[] bytes = Partials.asBytes(fn(), partial);
        if (bytes.length != PARTIAL_BYTES || bytes[0] > 1) {
            throw Partials.notAPartial(fn(), partial);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        boolean integral = buffer.get() == 1;
        long sumBits = buffer.getLong();
        sum.set(integral ? (Number) sumBits : (Number) Double.longBitsToDouble(sumBits));
        return buffer.getLong();
    }

    @Override
    Object partial(NumericSum sum, long count) {
        if (count == 0) {
            return null;
        }
        long sumBits = sum.isIntegral() ? sum.longValue() : Double.doubleToRawLongBits(sum.doubleValue());
        return ByteBuffer.allocate(PARTIAL_BYTES).put((byte) (sum.isIntegral() ? 1 : 0)).putLong(sumBits)
                .putLong(count).array();
    }

    @Override
    Object result(NumericSum sum, long count) {
        return count == 0 ? null : sum.doubleValue() / count;
    }
}
