package io.rtpipe.core.aggregate;

import io.rtpipe.core.record.RecordPosition;

import java.nio.ByteBuffer;

/**
 * Mean of a numeric field. Partial: 17 bytes (1 byte "sum is integral", the sum as long or double bits, the count),
 * or null when nothing was added; result: Double, or null.
 */
final class AvgAggregator implements Aggregator {
    private static final int PARTIAL_BYTES = 17;

    @Override
    public String fn() {
        return "avg";
    }

    @Override
    public ValueInput input() {
        return ValueInput.NUMBER;
    }

    @Override
    public AggregateState newState() {
        return new State();
    }

    @Override
    public AggregateState fromPartial(Object partial) {
        State state = new State();
        if (partial != null) {
            byte[] bytes = Partials.asBytes(fn(), partial);
            if (bytes.length != PARTIAL_BYTES || bytes[0] > 1) {
                throw Partials.notAPartial(fn(), partial);
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            boolean integral = buffer.get() == 1;
            long sumBits = buffer.getLong();
            state.sum.set(integral ? (Number) sumBits : (Number) Double.longBitsToDouble(sumBits));
            state.count = buffer.getLong();
        }
        return state;
    }

    private static final class State implements AggregateState {
        private final NumericSum sum = new NumericSum();
        private long count;

        @Override
        public void addLong(long value, long eventTime, RecordPosition position) {
            sum.add(value);
            count++;
        }

        @Override
        public void addDouble(double value, long eventTime, RecordPosition position) {
            sum.add(value);
            count++;
        }

        @Override
        public void merge(AggregateState other) {
            State that = Partials.sameKind(State.class, other);
            sum.add(that.sum);
            count += that.count;
        }

        @Override
        public Object partial() {
            if (count == 0) {
                return null;
            }
            long sumBits = sum.isIntegral() ? sum.longValue() : Double.doubleToRawLongBits(sum.doubleValue());
            return ByteBuffer.allocate(PARTIAL_BYTES).put((byte) (sum.isIntegral() ? 1 : 0)).putLong(sumBits)
                    .putLong(count).array();
        }

        @Override
        public Object result() {
            return count == 0 ? null : sum.doubleValue() / count;
        }
    }
}
