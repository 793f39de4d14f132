package io.rtpipe.core.aggregate;

import io.rtpipe.core.record.RecordPosition;

/** Number of events (no field) or of events whose field is present and not null. Partial and result: Long. */
final class CountAggregator implements Aggregator {
    private final ValueInput input;

    CountAggregator(boolean hasField) {
        this.input = hasField ? ValueInput.ANY : ValueInput.NONE;
    }

    @Override
    public String fn() {
        return "count";
    }

    @Override
    public ValueInput input() {
        return input;
    }

    @Override
    public StateSize stateSize(int valueBytes) {
        return StateSize.fixed(24); // object header and a long
    }

    @Override
    public AggregateState newState() {
        return new State(0);
    }

    @Override
    public AggregateState fromPartial(Object partial) {
        return new State(partial == null ? 0 : Partials.asLong(fn(), partial));
    }

    private static final class State implements AggregateState {
        private long count;

        State(long count) {
            this.count = count;
        }

        @Override
        public void addEvent(long eventTime, RecordPosition position) {
            count++;
        }

        @Override
        public void addLong(long value, long eventTime, RecordPosition position) {
            count++;
        }

        @Override
        public void addDouble(double value, long eventTime, RecordPosition position) {
            count++;
        }

        @Override
        public void addString(String value, long eventTime, RecordPosition position) {
            count++;
        }

        @Override
        public void merge(AggregateState other) {
            count += Partials.sameKind(State.class, other).count;
        }

        @Override
        public Object partial() {
            return count;
        }

        @Override
        public Object result() {
            return count;
        }
    }
}
