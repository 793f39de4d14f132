package io.rtpipe.consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The health rules on counters a real {@link ConsumerStats} keeps, with a clock the test moves. */
class WorkerHealthTest {

    private static final Duration LIMIT = Duration.ofMinutes(10);

    /** A clock the test advances by hand. */
    private static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-12-02T18:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    private final TestClock clock = new TestClock();
    private final ConsumerStats stats = new ConsumerStats(clock);

    private WorkerHealth.Status health(boolean kclRunning) {
        return WorkerHealth.of(stats.snapshot(), kclRunning, LIMIT);
    }

    @Test
    void aWorkerWithoutLeasesIsHealthyOnStandby() {
        WorkerHealth.Status status = health(true);
        assertThat(status.healthy()).isTrue();
        assertThat(status.state()).isEqualTo("standby");
    }

    @Test
    void aWorkerWhoseKclStoppedIsUnhealthy() {
        stats.shardStarted("shard-1");
        assertThat(health(false).healthy()).isFalse();
        assertThat(health(false).state()).isEqualTo("stopped");
    }

    @Test
    void recordsArrivingWithoutTheCheckpointAdvancingTurnTheWorkerUnhealthyOnlyPastTheLimit() {
        stats.shardStarted("shard-1");
        clock.advance(Duration.ofHours(1)); // an idle shard that never checkpointed is fine: nothing waits
        assertThat(health(true).state()).isEqualTo("processing");

        stats.batchProcessed("shard-1", 50, 0L, null);
        clock.advance(LIMIT);
        // Measured at the newest read: records waiting on a quiet shard (an open window) do not age it.
        assertThat(stats.snapshot().oldestUncheckpointedAge()).isEqualTo(Duration.ZERO);
        stats.batchProcessed("shard-1", 0, 0L, null);
        assertThat(stats.snapshot().oldestUncheckpointedAge()).isEqualTo(Duration.ZERO);
        stats.batchProcessed("shard-1", 50, 0L, null); // records still arrive, the checkpoint has not moved
        assertThat(stats.snapshot().oldestUncheckpointedAge()).isEqualTo(LIMIT);
        assertThat(health(true).healthy()).isTrue();
        clock.advance(Duration.ofSeconds(1));
        stats.batchProcessed("shard-1", 1, 0L, null);
        assertThat(health(true).healthy()).isFalse();
        assertThat(health(true).state()).isEqualTo("not-checkpointing");

        // A checkpoint covering some records: the rest count from that checkpoint, once more records arrive.
        stats.checkpointed("shard-1", 60, 0, 0);
        assertThat(stats.snapshot().oldestUncheckpointedAge()).isEqualTo(Duration.ZERO);
        assertThat(health(true).healthy()).isTrue();
        clock.advance(Duration.ofMinutes(3));
        stats.batchProcessed("shard-1", 5, 0L, null);
        assertThat(stats.snapshot().oldestUncheckpointedAge()).isEqualTo(Duration.ofMinutes(3));

        // Covering all of them clears it.
        stats.checkpointed("shard-1", 46, 0, 0);
        clock.advance(Duration.ofMinutes(30));
        assertThat(stats.snapshot().oldestUncheckpointedAge()).isEqualTo(Duration.ZERO);
        assertThat(health(true).healthy()).isTrue();
    }

    @Test
    void aStalledShardMakesTheWorkerUnhealthyUntilItsLeaseIsGone() {
        stats.shardStarted("shard-1");
        stats.shardStarted("shard-2");
        stats.shardStalled("shard-2");
        assertThat(health(true).state()).isEqualTo("stalled");
        stats.shardStopped("shard-2");
        assertThat(health(true).state()).isEqualTo("processing");
    }

    @Test
    void theHealthFileExistsExactlyWhileHealthy(@TempDir Path dir) throws Exception {
        HealthFile file = new HealthFile(dir.resolve("health/status"));
        stats.shardStarted("shard-1");
        file.write(health(true));
        assertThat(Files.readString(file.path())).startsWith("processing: holds 1 shard(s)");
        stats.shardStalled("shard-1");
        file.write(health(true));
        assertThat(file.path()).doesNotExist();
        try (var left = Files.list(file.path().getParent())) {
            assertThat(left).isEmpty(); // no temp files behind
        }
    }

    @Test
    void aShardIsCaughtUpSinceTheEmptyReadAtTheTipNotSinceKclHandedItOver() {
        stats.shardStarted("shard-1");
        Instant fetched = clock.instant();
        clock.advance(Duration.ofMillis(300));
        Instant lastPut = clock.instant(); // records put after the empty read, before it was handed over
        clock.advance(Duration.ofMillis(300));
        stats.batchProcessed("shard-1", 0, 0L, fetched);
        assertThat(stats.allShardsCaughtUpSince(lastPut)).as("a stale empty read").isFalse();

        Instant fetchedAgain = clock.instant();
        clock.advance(Duration.ofMillis(300));
        stats.batchProcessed("shard-1", 0, 0L, fetchedAgain);
        assertThat(stats.allShardsCaughtUpSince(lastPut)).isTrue();
        stats.batchProcessed("shard-1", 0, 0L, null); // no cache entry time: judged when handed over
        assertThat(stats.allShardsCaughtUpSince(fetchedAgain)).isTrue();
    }
}
