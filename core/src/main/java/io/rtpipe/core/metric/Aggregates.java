package io.rtpipe.core.metric;

import io.rtpipe.core.event.EventFields;

/** The built-in aggregate functions. */
public final class Aggregates {
    private static final Aggregate COUNT = new Count();

    private Aggregates() {
    }

    /** The number of events; partials are Longs and merge by addition. */
    public static Aggregate count() {
        return COUNT;
    }

    private static final class Count implements Aggregate {
        @Override
        public String name() {
            return "count";
        }

        @Override
        public Accumulator newAccumulator() {
            return new CountAccumulator();
        }

        @Override
        public Object mergePartials(Object left, Object right) {
            return asLong(left) + asLong(right);
        }

        private static long asLong(Object value) {
            if (!(value instanceof Number number)) {
                throw new IllegalArgumentException("a count partial must be a number, got " + value);
            }
            return number.longValue();
        }
    }

    private static final class CountAccumulator implements Accumulator {
        private long count;

        @Override
        public void add(EventFields event) {
            count++;
        }

        @Override
        public Object partialValue() {
            return count;
        }
    }
}
