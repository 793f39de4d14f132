package io.rtpipe.core.aggregate;

/** Sum of a numeric field; 0 when nothing was added. Partial and result: Long while exact, else Double. */
final class SumAggregator extends SummingAggregator {

    @Override
    public String fn() {
        return "sum";
    }

    @Override
    long restore(Object partial, NumericSum sum) {
        sum.set(Partials.asNumber(fn(), partial));
        return 0; // the count is not stored: a sum does not need it
    }

    @Override
    Object partial(NumericSum sum, long count) {
        return sum.value();
    }

    @Override
    Object result(NumericSum sum, long count) {
        return sum.value();
    }
}
