package io.rtpipe.core.aggregate;

import io.rtpipe.core.record.RecordPosition;

/**
 * What sum and avg share: both add numeric values into a {@link NumericSum} and count them; they differ only in the
 * partial they store and the result they report, which subclasses define.
 */
abstract class SummingAggregator implements Aggregator {

    @Override
    public final ValueInput input() {
        return ValueInput.NUMBER;
    }

    @Override
    public final StateSize stateSize(int valueBytes) {
        return StateSize.fixed(48); // one object: header, the sum as long and double, its kind, the count
    }

    @Override
    public final AggregateState newState() {
        return new State(this);
    }

    @Override
    public final AggregateState fromPartial(Object partial) {
        State state = new State(this);
        if (partial != null) {
            state.count = restore(partial, state);
        }
        return state;
    }

    /** Sets {@code sum} to the sum {@code partial} holds and returns its count. */
    abstract long restore(Object partial, NumericSum sum);

    /** The partial for a sum of {@code count} values. */
    abstract Object partial(NumericSum sum, long count);

    /** The result for a sum of {@code count} values. */
    abstract Object result(NumericSum sum, long count);

    /** The running sum itself (one object per window and key, not two) and the number of values in it. */
    private static final class State extends NumericSum implements AggregateState {
        private final SummingAggregator aggregator;
        private long count;

        State(SummingAggregator aggregator) {
            this.aggregator = aggregator;
        }

        @Override
        public void addLong(long value, long eventTime, RecordPosition position) {
            add(value);
            count++;
        }

        @Override
        public void addDouble(double value, long eventTime, RecordPosition position) {
            add(value);
            count++;
        }

        @Override
        public void merge(AggregateState other) {
            State that = Partials.sameKind(State.class, other);
            if (that.aggregator.getClass() != aggregator.getClass()) {
                throw new IllegalArgumentException("cannot merge a " + that.aggregator.fn() + " state into a "
                        + aggregator.fn() + " state");
            }
            add(that);
            count += that.count;
        }

        @Override
        public Object partial() {
            return aggregator.partial(this, count);
        }

        @Override
        public Object result() {
            return aggregator.result(this, count);
        }
    }
}
