package io.rtpipe.core.aggregate;

/**
 * A sum that stays an exact long while every value is an integer and the total fits in 64 bits, and becomes a double
 * from the first non-integral value (or on overflow) on. Floating-point addition is not associative, so a double sum
 * can differ in its last bits with the order of additions and merges: at most about n·2⁻⁵³·Σ|x|.
 * Not final: the state of sum and avg extends it, saving an object per window and key.
 */
class NumericSum {
    private boolean integral = true;
    private long longSum;
    private double doubleSum;

    void add(long value) {
        if (integral) {
            long result = longSum + value;
            // Overflow iff both operands have the sign opposite to the result's.
            if (((longSum ^ result) & (value ^ result)) < 0) {
                integral = false;
                doubleSum = (double) longSum + (double) value;
            } else {
                longSum = result;
            }
        } else {
            doubleSum += value;
        }
    }

    void add(double value) {
        if (integral) {
            integral = false;
            doubleSum = longSum;
        }
        doubleSum += value;
    }

    void add(NumericSum other) {
        if (other.integral) {
            add(other.longSum);
        } else {
            add(other.doubleSum);
        }
    }

    boolean isIntegral() {
        return integral;
    }

    long longValue() {
        return longSum;
    }

    double doubleValue() {
        return integral ? longSum : doubleSum;
    }

    /** Long while integral, else Double. */
    Number value() {
        return integral ? (Number) longSum : (Number) doubleSum;
    }

    void set(Number stored) {
        if (Partials.isIntegral(stored)) {
            integral = true;
            longSum = stored.longValue();
        } else {
            integral = false;
            doubleSum = stored.doubleValue();
        }
    }
}
