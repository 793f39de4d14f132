package io.rtpipe.core.result;

import com.fasterxml.jackson.core.io.NumberOutput;

import java.math.BigDecimal;

/**
 * Result numbers as text that keeps every digit and nothing more: the shortest decimal that reads back as the same
 * double (Schubfach, as Jackson's fast writer has it), written without an exponent, so 1.0E7 is {@code 10000000.0}
 * and 1.0E-5 is {@code 0.00001}. A double keeps a fractional part ({@code 3.0}) so it still reads back as a double.
 */
public final class NumberText {

    private NumberText() {
    }

    /** @return the plain shortest form, or {@code NaN}/{@code Infinity}/{@code -Infinity} for those */
    public static String plain(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        String plain = new BigDecimal(NumberOutput.toString(value, true)).stripTrailingZeros().toPlainString();
        return plain.indexOf('.') < 0 ? plain + ".0" : plain;
    }
}
