package io.rtpipe.core.aggregate;

import io.rtpipe.core.record.RecordPosition;

/**
 * min or max of a numeric field. Integers are compared exactly as longs; once a non-integral value wins the result
 * is a double. Partial and result: Long or Double, or null when nothing was added.
 */
final class ExtremumAggregator implements Aggregator {
    private final boolean max;

    ExtremumAggregator(boolean max) {
        this.max = max;
    }

    @Override
    public String fn() {
        return max ? "max" : "min";
    }

    @Override
    public ValueInput input() {
        return ValueInput.NUMBER;
    }

    @Override
    public StateSize stateSize(int valueBytes) {
        return StateSize.fixed(40); // header, flags, the value as long and double
    }

    @Override
    public AggregateState newState() {
        return new State(max);
    }

    @Override
    public AggregateState fromPartial(Object partial) {
        State state = new State(max);
        if (partial != null) {
            Number number = Partials.asNumber(fn(), partial);
            if (Partials.isIntegral(number)) {
                state.offer(number.longValue());
            } else {
                state.offer(number.doubleValue());
            }
        }
        return state;
    }

    private static final class State implements AggregateState {
        private final boolean max;
        private boolean seen;
        private boolean integral;
        private long longValue;
        private double doubleValue;

        State(boolean max) {
            this.max = max;
        }

        private boolean better(double candidate, double current) {
            return max ? candidate > current : candidate < current;
        }

        void offer(long value) {
            if (!seen || (integral ? (max ? value > longValue : value < longValue) : better(value, doubleValue))) {
                seen = true;
                integral = true;
                longValue = value;
            }
        }

        void offer(double value) {
            if (Double.isNaN(value)) {
                return; // NaN has no order: ignoring it keeps min/max independent of arrival order
            }
            if (!seen || better(value, integral ? (double) longValue : doubleValue)) {
                seen = true;
                integral = false;
                doubleValue = value;
            }
        }

        @Override
        public void addLong(long value, long eventTime, RecordPosition position) {
            offer(value);
        }

        @Override
        public void addDouble(double value, long eventTime, RecordPosition position) {
            offer(value);
        }

        @Override
        public void merge(AggregateState other) {
            State that = Partials.sameKind(State.class, other);
            if (that.seen) {
                if (that.integral) {
                    offer(that.longValue);
                } else {
                    offer(that.doubleValue);
                }
            }
        }

        @Override
        public Object partial() {
            return !seen ? null : integral ? (Object) longValue : (Object) doubleValue;
        }

        @Override
        public Object result() {
            return partial();
        }
    }
}
