package io.rtpipe.producer.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Synthetic clickstream events as JSON objects:
 * <pre>{"event_id":"…uuid…","ts":1700000000000,"type":"view","user_id":"u42","page":"/p/7","amount":0}</pre>
 * {@code event_id} is a UUID drawn from the seeded random (unique within and across runs with different seeds);
 * {@code type} is skewed (view 70 %, click 20 %, signup 7 %, purchase 3 %); {@code user_id} and {@code page} follow a
 * Zipf distribution; {@code amount} is 1.00 to 500.00 for purchases and 0 otherwise. Paced to the configured rate.
 * Not thread-safe: one thread runs it (or calls {@link #next()}).
 */
public final class GeneratorSource implements Source {

    /** Event types with their cumulative probabilities. */
    private static final List<String> TYPES = List.of("view", "click", "signup", "purchase");
    private static final double[] TYPE_CUMULATIVE = {0.70, 0.90, 0.97, 1.0};
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final JsonFactory JSON = new JsonFactory();

    private final GeneratorConfig config;
    private final SplittableRandom random;
    private final ZipfSampler users;
    private final ZipfSampler pages;
    private final long maxDisorderMillis;
    private final ByteArrayBuilder buffer = new ByteArrayBuilder(256);
    private volatile boolean closed;

    public GeneratorSource(GeneratorConfig config) {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
        this.users = new ZipfSampler(config.users(), config.skew());
        this.pages = new ZipfSampler(config.pages(), config.skew());
        this.maxDisorderMillis = config.maxDisorder().toMillis();
    }

    /** The next event's JSON bytes, ignoring pacing and limits. */
    public byte[] next() {
        buffer.reset();
        try (JsonGenerator json = JSON.createGenerator(buffer)) {
            json.writeStartObject();
            json.writeStringField("event_id", uuid());
            long disorder = maxDisorderMillis > 0 ? random.nextLong(maxDisorderMillis + 1) : 0;
            json.writeNumberField("ts", config.clock().millis() - disorder);
            String type = type(random.nextDouble());
            json.writeStringField("type", type);
            json.writeStringField("user_id", "u" + users.sample(random.nextDouble()));
            json.writeStringField("page", "/p/" + pages.sample(random.nextDouble()));
            json.writeFieldName("amount");
            if (type.equals("purchase")) {
                long cents = 100 + random.nextLong(50_000 - 100 + 1);
                json.writeNumber(cents / 100 + "." + (cents % 100 < 10 ? "0" : "") + cents % 100);
            } else {
                json.writeNumber(0);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing a generated event failed", e); // in-memory: cannot happen
        }
        return buffer.toByteArray();
    }

    @Override
    public long run(EventSink sink) throws InterruptedException {
        double rate = config.eventsPerSecond();
        long limit = config.maxEvents() == 0 ? Long.MAX_VALUE : config.maxEvents();
        long start = System.nanoTime();
        long emitted = 0;
        while (emitted < limit && !closed) {
            if (Thread.interrupted()) {
                throw new InterruptedException("the generator was interrupted after " + emitted + " events");
            }
            if (rate > 0) {
                // Schedule by event index, not by the previous event: pauses are caught up, rounding never drifts.
                long dueIn = start + (long) (emitted * 1e9 / rate) - System.nanoTime();
                if (dueIn > 0) {
                    LockSupport.parkNanos(dueIn);
                    continue;
                }
            }
            sink.accept(next());
            emitted++;
        }
        return emitted;
    }

    @Override
    public void close() {
        closed = true;
    }

    private static String type(double uniform01) {
        for (int i = 0; i < TYPE_CUMULATIVE.length - 1; i++) {
            if (uniform01 < TYPE_CUMULATIVE[i]) {
                return TYPES.get(i);
            }
        }
        return TYPES.get(TYPES.size() - 1);
    }

    /** A version-4 UUID from the seeded random, formatted without allocating intermediate strings. */
    private String uuid() {
        long hi = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
        char[] c = new char[36];
        int p = 0;
        for (int i = 15; i >= 0; i--, p++) {
            if (p == 8 || p == 13) {
                c[p++] = '-';
            }
            c[p] = HEX[(int) (hi >>> (i * 4)) & 0xF];
        }
        c[p++] = '-';
        for (int i = 15; i >= 0; i--, p++) {
            if (p == 23) {
                c[p++] = '-';
            }
            c[p] = HEX[(int) (lo >>> (i * 4)) & 0xF];
        }
        return new String(c);
    }
}
