package io.rtpipe.core.aggregate;

import io.rtpipe.core.record.RecordPosition;

/** Sum of a numeric field; 0 when nothing was added. Partial and result: Long while exact, else Double. */
final class SumAggregator implements Aggregator {

    @Override
    public String fn() {
        return "sum";
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
            state.sum.set(Partials.asNumber(fn(), partial));
        }
        return state;
    }

    private static final class State implements AggregateState {
        private final NumericSum sum = new NumericSum();

        @Override
        public void addLong(long value, long eventTime, RecordPosition position) {
            sum.add(value);
        }

        @Override
        public void addDouble(double value, long eventTime, RecordPosition position) {
            sum.add(value);
        }

        @Override
        public void merge(AggregateState other) {
            sum.add(Partials.sameKind(State.class, other).sum);
        }

        @Override
        public Object partial() {
            return sum.value();
        }

        @Override
        public Object result() {
            return sum.value();
        }
    }
}
