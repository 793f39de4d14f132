package io.rtpipe.producer.source;

import java.util.Arrays;

/**
 * Draws ranks 0..n-1 with probability proportional to {@code 1 / (rank + 1)^exponent}: a few hot keys and a long tail,
 * like real users and pages. Exponent 0 is uniform. Precomputes the cumulative distribution (8 bytes per key) and
 * samples by binary search.
 */
final class ZipfSampler {

    private final double[] cumulative;

    ZipfSampler(int n, double exponent) {
        if (n < 1) {
            throw new IllegalArgumentException("a Zipf sampler needs at least one key, got " + n);
        }
        if (exponent < 0 || Double.isNaN(exponent)) {
            throw new IllegalArgumentException("the skew exponent must be zero or positive, got " + exponent);
        }
        cumulative = new double[n];
        double sum = 0;
        for (int rank = 0; rank < n; rank++) {
            sum += 1.0 / Math.pow(rank + 1, exponent);
            cumulative[rank] = sum;
        }
        for (int rank = 0; rank < n; rank++) {
            cumulative[rank] /= sum;
        }
        cumulative[n - 1] = 1.0;
    }

    /** The rank for a uniform random number in [0, 1). */
    int sample(double uniform01) {
        int i = Arrays.binarySearch(cumulative, uniform01);
        return i >= 0 ? Math.min(i + 1, cumulative.length - 1) : -i - 1;
    }

    int size() {
        return cumulative.length;
    }
}
