package io.rtpipe.core.measure;

import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.ShardEngine;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.TumblingWindows;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The heap one shard's engine retains under a 1 h tumbling window at 1,000 events/s for an hour of event time
 * (3.6 M events), checkpointing every 10 s of records (plan, then commit, as a task does once the plan is stored),
 * with window-state snapshots or with the replay rule (not a test; run by hand, docs/ENGINE.md "Checkpoints").
 * Prints the retained heap (after GC) at each quarter hour, per event so far, and the last snapshot's size.
 * <pre>
 * java -Xmx2g -cp core/target/test-classes:core/target/classes:$(cat /tmp/core.cp) \
 *     io.rtpipe.core.measure.SnapshotHeap [snapshots|replay] [dedup] [minutes]
 * </pre>
 */
public final class SnapshotHeap {
    private static final long T0 = 1_764_133_200_000L; // an hour boundary
    private static final int PER_SECOND = 1_000;
    private static final int CHECKPOINT_EVERY = 10 * PER_SECOND;

    private SnapshotHeap() {
    }

    public static void main(String[] args) {
        boolean snapshots = args.length == 0 || args[0].equals("snapshots");
        boolean dedup = args.length > 1 && args[1].equals("dedup");
        int minutes = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        MetricSpec spec = MetricSpec.builder("per_hour").groupBy("page")
                .windows(TumblingWindows.of(Duration.ofHours(1))).allowedLateness(Duration.ofSeconds(5))
                .aggregates(AggregateSpec.of("count", "count", null, Map.of()),
                        AggregateSpec.of("amount", "sum", "amount", Map.of()))
                .dedup(dedup ? "event_id" : null).build();
        EngineConfig config = EngineConfig.builder().metrics(List.of(spec)).build();

        long baseline = retained();
        ShardEngine engine = new ShardEngine(config, "shard-0", ShardProgress.initial(), snapshots, null);
        Random random = new Random(1);
        long events = (long) minutes * 60 * PER_SECOND;
        int snapshotBytes = 0;
        System.out.printf("%s, dedup %s: 1 h tumbling count + sum by page (100 pages), %,d events/s, checkpoint "
                + "every %,d records%n", snapshots ? "snapshots" : "replay rule", dedup ? "on" : "off", PER_SECOND,
                CHECKPOINT_EVERY);
        for (long i = 0; i < events; i++) {
            long ts = T0 + i - random.nextInt(2_000); // up to 2 s of disorder, all within the lateness
            String payload = "{\"ts\":" + ts + ",\"page\":\"/page/" + random.nextInt(100) + "\",\"amount\":"
                    + random.nextInt(10_000) + ",\"event_id\":\"e-" + i + "\",\"user\":\"u" + random.nextInt(50_000)
                    + "\"}";
            engine.process(new InputRecord(RecordPosition.of(Long.toString(i + 1)), "pk", T0 + i,
                    payload.getBytes(StandardCharsets.UTF_8)));
            if ((i + 1) % CHECKPOINT_EVERY == 0) {
                engine.takeFiredResults();
                Optional<CheckpointPlan> plan = engine.planCheckpoint();
                if (plan.isPresent()) {
                    snapshotBytes = plan.get().snapshot() == null ? 0 : plan.get().snapshot().length;
                    engine.commit(plan.get());
                }
            }
            if ((i + 1) % (15L * 60 * PER_SECOND) == 0) {
                long heap = retained() - baseline;
                System.out.printf("%3d min: %,6d events held as records, retained %,8.1f MB = %,6.1f B/event so far;"
                                + " last snapshot %,d bytes%n", (i + 1) / 60 / PER_SECOND,
                        engine.stats().bufferedRecords(), heap / 1e6, (double) heap / (i + 1), snapshotBytes);
            }
        }
        System.out.println("open windows " + engine.stats().openWindows() + ", keys " + engine.stats().keysInState()
                + ", dedup ids " + engine.stats().dedupIds());
    }

    private static long retained() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
