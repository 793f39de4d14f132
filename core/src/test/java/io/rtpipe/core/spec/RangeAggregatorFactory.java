package io.rtpipe.core.spec;

import io.rtpipe.core.aggregate.AggregateState;
import io.rtpipe.core.aggregate.Aggregator;
import io.rtpipe.core.aggregate.AggregatorFactory;
import io.rtpipe.core.aggregate.AggregatorParams;
import io.rtpipe.core.aggregate.FieldUse;
import io.rtpipe.core.aggregate.ValueInput;
import io.rtpipe.core.record.RecordPosition;

import java.util.Set;

/** A custom aggregator found through ServiceLoader in tests: the number of values at or above {@code threshold}. */
public final class RangeAggregatorFactory implements AggregatorFactory {
    @Override
    public String fn() {
        return "count_above";
    }

    @Override
    public FieldUse field() {
        return FieldUse.REQUIRED;
    }

    @Override
    public Set<String> parameters() {
        return Set.of("threshold");
    }

    @Override
    public Aggregator create(AggregatorParams params) {
        double threshold = params.number("threshold", Double.NaN);
        if (Double.isNaN(threshold)) {
            throw params.invalid("threshold", "a number");
        }
        return new Aggregator() {
            @Override
            public String fn() {
                return "count_above";
            }

            @Override
            public ValueInput input() {
                return ValueInput.NUMBER;
            }

            @Override
            public AggregateState newState() {
                return new State(0, threshold);
            }

            @Override
            public AggregateState fromPartial(Object partial) {
                return new State(partial == null ? 0 : ((Number) partial).longValue(), threshold);
            }
        };
    }

    private static final class State implements AggregateState {
        private long count;
        private final double threshold;

        State(long count, double threshold) {
            this.count = count;
            this.threshold = threshold;
        }

        @Override
        public void addLong(long value, long eventTime, RecordPosition position) {
            addDouble(value, eventTime, position);
        }

        @Override
        public void addDouble(double value, long eventTime, RecordPosition position) {
            if (value >= threshold) {
                count++;
            }
        }

        @Override
        public void merge(AggregateState other) {
            count += ((State) other).count;
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
