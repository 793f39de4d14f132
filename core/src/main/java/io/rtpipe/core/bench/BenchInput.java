package io.rtpipe.core.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes the benchmark input: JSON lines of about 200 bytes, 10,000 page keys (uniform), user ids skewed (Zipf-like
 * over 100,000 users: a few users make most events), event times advancing by {@code eventsPerSecond} with up to 2 s
 * of disorder. Deterministic for a seed.
 */
public final class BenchInput {
    public static final int PAGES = 10_000;
    public static final int USERS = 100_000;
    public static final long DISORDER_MILLIS = 2_000;
    private static final String[] TYPES = {"view", "view", "view", "click", "purchase"};

    private BenchInput() {
    }

    /**
     * @param events          how many lines
     * @param eventsPerSecond event-time rate (10,000/s puts 600,000 events in each 1-minute window)
     */
    public static void write(Path file, int events, int eventsPerSecond, long seed) throws IOException {
        Random random = new Random(seed);
        long start = 1_764_133_200_000L;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < events; i++) {
                long ts = start + (long) i * 1000 / eventsPerSecond - random.nextInt((int) DISORDER_MILLIS);
                // Zipf-like skew: the inverse of a power law picks low user numbers far more often.
                int user = (int) Math.min(USERS - 1, Math.floor(Math.pow(random.nextDouble(), 3) * USERS));
                out.write(String.format("{\"event_id\":\"%016x-%08x\",\"ts\":%d,\"type\":\"%s\","
                                + "\"page\":\"/catalog/item-%05d\",\"user_id\":\"user-%06d\",\"amount\":%d.%02d,"
                                + "\"currency\":\"EUR\",\"agent\":\"Mozilla/5.0 (X11; Linux x86_64)\"}",
                        random.nextLong(), i, ts, TYPES[random.nextInt(TYPES.length)], random.nextInt(PAGES), user,
                        random.nextInt(500), random.nextInt(100)));
                out.write('\n');
            }
        }
    }
}
