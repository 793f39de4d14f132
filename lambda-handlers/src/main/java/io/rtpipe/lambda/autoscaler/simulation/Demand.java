package io.rtpipe.lambda.autoscaler.simulation;

/**
 * What producers try to write in one minute, as rates.
 *
 * @param recordsPerSecond records offered per second
 * @param recordBytes      average record size in bytes
 */
public record Demand(double recordsPerSecond, double recordBytes) {

    public Demand {
        if (recordsPerSecond < 0 || recordBytes <= 0) {
            throw new IllegalArgumentException("demand needs rate >= 0 and record size > 0");
        }
    }

    public double bytesPerSecond() {
        return recordsPerSecond * recordBytes;
    }
}
