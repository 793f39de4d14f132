package io.rtpipe.reliability.load;

import io.rtpipe.producer.RecordProducer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends sequence-numbered events at a steady rate from a thread of its own and remembers which ones Kinesis
 * acknowledged. Event {@code n} of a run is {@code {"event_id":"<run>-<n>","seq":n,"ts":<t0 + n·step>,"type":...}}:
 * event time runs faster than wall time ({@code eventMillisPerWallSecond}), so one-minute windows close every few
 * seconds and checkpoints advance often; the type is drawn from the seeded random.
 *
 * <p>Extra records (a malformed corpus) can be mixed in with {@link #sendExtra(byte[])}; they are sent as they are.
 */
public final class ChaosLoad {

    /** Event types, in the proportions a click stream has. */
    private static final String[] TYPES = {"view", "view", "view", "click", "click", "signup", "purchase"};

    private final RecordProducer producer;
    private final String runId;
    private final Random random;
    private final int eventsPerSecond;
    private final long startTs;
    private final long tsStep;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Instant> lastAck = new AtomicReference<>(Instant.EPOCH);
    private final ConcurrentHashMap<String, Boolean> acknowledgedIds = new ConcurrentHashMap<>();
    private final List<Throwable> failures = new ArrayList<>();
    private volatile long currentSeq;
    private volatile boolean stopRequested;
    private Thread thread;

    /**
     * @param runId                    prefix of every event id (unique per scenario run)
     * @param seed                     seeds the event types
     * @param eventMillisPerWallSecond how much event time one second of sending covers (60,000 = real time)
     */
    public ChaosLoad(RecordProducer producer, String runId, long seed, int eventsPerSecond,
                     long eventMillisPerWallSecond) {
        this.producer = producer;
        this.runId = runId;
        this.random = new Random(seed);
        this.eventsPerSecond = eventsPerSecond;
        // Start at a minute boundary a little in the past, so windows line up with the run.
        this.startTs = Math.floorDiv(System.currentTimeMillis(), 60_000L) * 60_000L - 3_600_000L;
        this.tsStep = Math.max(1, eventMillisPerWallSecond / eventsPerSecond);
    }

    /** Starts sending; returns at once. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(this::run, "chaos-load-" + runId);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long startNanos = System.nanoTime();
        long seq = 0;
        while (!stopRequested) {
            long due = startNanos + seq * 1_000_000_000L / eventsPerSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                } catch (InterruptedException e) {
                    return;
                }
            }
            String type = TYPES[random.nextInt(TYPES.length)];
            String eventId = runId + "-" + seq;
            String json = "{\"event_id\":\"" + eventId + "\",\"seq\":" + seq + ",\"ts\":" + (startTs + seq * tsStep)
                    + ",\"type\":\"" + type + "\",\"user_id\":\"u" + random.nextInt(1_000) + "\"}";
            if (!send(json.getBytes(StandardCharsets.UTF_8), eventId)) {
                return;
            }
            seq++;
            currentSeq = seq;
        }
    }

    /** Sends one record as it is (not counted as a generated event). */
    public boolean sendExtra(byte[] data) {
        return send(data, null);
    }

    private boolean send(byte[] data, String eventId) {
        try {
            sent.incrementAndGet();
            producer.send(data).whenComplete((result, error) -> {
                if (error != null) {
                    failed.incrementAndGet();
                    synchronized (failures) {
                        failures.add(error);
                    }
                    return;
                }
                acknowledged.incrementAndGet();
                if (eventId != null) {
                    acknowledgedIds.put(eventId, Boolean.TRUE);
                }
                lastAck.accumulateAndGet(Instant.now(), (a, b) -> a.isAfter(b) ? a : b);
            });
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops sending and waits until every record sent was acknowledged or failed. */
    public void stopAndFlush(Duration timeout) throws InterruptedException {
        stopRequested = true;
        if (thread != null) {
            thread.join(timeout.toMillis());
        }
        producer.flush(timeout);
    }

    /** The event time of the event being sent now: extra records stamped with it are not late. */
    public long currentEventTime() {
        return startTs + currentSeq * tsStep;
    }

    public long sent() {
        return sent.get();
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    public long failed() {
        return failed.get();
    }

    /** When the last acknowledgement arrived. */
    public Instant lastAcknowledgement() {
        return lastAck.get();
    }

    /** Event ids (of generated events) Kinesis acknowledged. */
    public java.util.Set<String> acknowledgedEventIds() {
        return java.util.Set.copyOf(acknowledgedIds.keySet());
    }

    public List<Throwable> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }
}
