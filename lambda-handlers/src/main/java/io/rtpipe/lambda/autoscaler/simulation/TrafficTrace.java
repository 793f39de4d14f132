package io.rtpipe.lambda.autoscaler.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.IntToDoubleFunction;

/** Per-minute offered load, minute 0 first. */
public record TrafficTrace(String name, List<Demand> minutes) {

    public static final int MINUTES_PER_DAY = 24 * 60;

    public TrafficTrace {
        Objects.requireNonNull(name, "name");
        minutes = List.copyOf(minutes);
    }

    /** A trace whose rate in records/s is {@code recordsPerSecond(minute)}, all records of one size. */
    public static TrafficTrace of(String name, int minutes, double recordBytes, IntToDoubleFunction recordsPerSecond) {
        List<Demand> demand = new ArrayList<>(minutes);
        for (int m = 0; m < minutes; m++) {
            demand.add(new Demand(recordsPerSecond.applyAsDouble(m), recordBytes));
        }
        return new TrafficTrace(name, demand);
    }

    /**
     * A day of diurnal traffic with bursts: a smooth curve from {@code troughRecordsPerSecond} (around 04:00) to
     * {@code peakRecordsPerSecond} (around 16:00), ±10 % minute-to-minute noise, and {@code bursts} bursts of
     * 5–30 minutes at 1.5–3× the curve. Deterministic for a given {@code seed}.
     */
    public static TrafficTrace diurnalDay(long seed, double troughRecordsPerSecond, double peakRecordsPerSecond,
                                          double recordBytes, int bursts) {
        Random random = new Random(seed);
        double[] factor = new double[MINUTES_PER_DAY];
        java.util.Arrays.fill(factor, 1.0);
        for (int b = 0; b < bursts; b++) {
            int start = random.nextInt(MINUTES_PER_DAY);
            int length = 5 + random.nextInt(26);
            double height = 1.5 + 1.5 * random.nextDouble();
            for (int m = start; m < Math.min(MINUTES_PER_DAY, start + length); m++) {
                factor[m] = Math.max(factor[m], height);
            }
        }
        double amplitude = peakRecordsPerSecond - troughRecordsPerSecond;
        return of("diurnal day with " + bursts + " bursts (seed " + seed + ")", MINUTES_PER_DAY, recordBytes, m -> {
            double phase = 2 * Math.PI * (m - 4 * 60) / MINUTES_PER_DAY;
            double curve = troughRecordsPerSecond + amplitude * (1 - Math.cos(phase)) / 2;
            double noise = 1 + 0.1 * (2 * random.nextDouble() - 1);
            return curve * noise * factor[m];
        });
    }

    public int length() {
        return minutes.size();
    }

    public Demand at(int minute) {
        return minutes.get(minute);
    }
}
