package io.rtpipe.reliability;

import io.rtpipe.reliability.verify.Verdict;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 2: two worker processes on a 2-shard stream; UpdateShardCount to 4 (splits) and back to 2 (merges) while
 * events flow. Parents must be read to their end before their children, every record counted once.
 */
@Tag("chaos-full-only") // a few minutes on a loaded 2-core machine: not in every CI run
@ExtendWith(SandboxExtension.class)
class ReshardChaosIT {

    private final LocalAws aws;

    ReshardChaosIT(LocalAws aws) {
        this.aws = aws;
    }

    static LongStream seeds() {
        return ChaosScenariosIT.seeds();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void reshardUpAndDownWhileConsuming(long seed) throws Exception {
        try (ChaosRun run = new ChaosRun("2 reshard 2→4→2", seed, aws, 2, null);
             KinesisAsyncClient kinesis = run.clients.kinesisAsync()) {
            run.startWorker("a");
            run.startWorker("b");
            run.awaitAllShardsOwned();
            run.startLoad();

            run.pause(0.25);
            Set<String> before = openShards(kinesis, run.stream);
            Instant splitAt = Instant.now();
            reshard(kinesis, run.stream, 4);
            Set<String> afterSplit = openShards(kinesis, run.stream);
            run.pause(0.3);
            Instant mergeAt = Instant.now();
            reshard(kinesis, run.stream, 2);
            Set<String> afterMerge = openShards(kinesis, run.stream);

            Verdict verdict = run.finish();
            Set<String> splitChildren = new TreeSet<>(afterSplit);
            splitChildren.removeAll(before);
            Set<String> mergeChildren = new TreeSet<>(afterMerge);
            mergeChildren.removeAll(afterSplit);
            Optional<Duration> afterSplitMoved = run.leases.untilCheckpointsMoved(splitAt, splitChildren);
            Optional<Duration> afterMergeMoved = run.leases.untilCheckpointsMoved(mergeAt, mergeChildren);
            run.report(verdict, "children checkpointed " + ChaosRun.seconds(afterSplitMoved) + " after the split, "
                    + ChaosRun.seconds(afterMergeMoved) + " after the merge");

            assertThat(splitChildren).as("shards the split created").hasSize(4);
            assertThat(mergeChildren).as("shards the merge created").hasSize(2);
            assertThat(afterSplitMoved).as("the split's children were consumed").isPresent();
            ChaosRun.assertExact(verdict);
        }
    }

    private static void reshard(KinesisAsyncClient kinesis, String stream, int shards) throws InterruptedException {
        kinesis.updateShardCount(b -> b.streamName(stream).targetShardCount(shards)
                .scalingType(ScalingType.UNIFORM_SCALING)).join();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (kinesis.describeStreamSummary(b -> b.streamName(stream)).join().streamDescriptionSummary()
                .streamStatus() != StreamStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("stream " + stream + " not ACTIVE 60 s after UpdateShardCount");
            }
            Thread.sleep(100);
        }
    }

    private static Set<String> openShards(KinesisAsyncClient kinesis, String stream) {
        return kinesis.listShards(b -> b.streamName(stream)).join().shards().stream()
                .filter(shard -> shard.sequenceNumberRange().endingSequenceNumber() == null)
                .map(Shard::shardId)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
