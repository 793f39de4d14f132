package io.rtpipe.producer.kpl;

import io.rtpipe.producer.BufferFullException;
import io.rtpipe.producer.FailureReason;
import io.rtpipe.producer.PutResult;
import io.rtpipe.producer.RecordFailedException;
import io.rtpipe.producer.RecordFailure;
import io.rtpipe.producer.kinesis.ProducerConfig.BufferFullPolicy;
import io.rtpipe.producer.testing.StreamContents;
import io.rtpipe.sandbox.Backend;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.RequiresBackend;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The KPL's native daemon against kinesis-mock's TLS port, read back and de-aggregated with KCL's own code. */
@ExtendWith(SandboxExtension.class)
@RequiresBackend(value = Backend.EMULATORS, reason = "points the KPL daemon at kinesis-mock's TLS endpoint")
class KplProducerIT {

    /** Under the module's build folder, so the 89 MB daemon is unpacked once per checkout, not into /tmp. */
    private static final Path KPL_TEMP = Path.of("target", "kpl");

    private static KplConfig.Builder kplFor(LocalAws aws, String stream) {
        return KplConfig.builder(stream)
                .emulator(aws.kinesisTlsEndpoint().orElseThrow())
                .region(aws.awsConfig().region())
                .tempDirectory(KPL_TEMP);
    }

    /**
     * Every event is acknowledged and in the stream; an event is there more than once only if the KPL reported
     * retrying it (a timed-out attempt the stream had stored: at-least-once, as documented).
     */
    @Test
    void everyEventArrivesOnceUnlessRetriedAndTheDaemonIsGoneAfterClose(LocalAws aws) throws Exception {
        String stream = unique("kpl-it");
        aws.createStream(stream, 2);
        int events = 3_000;
        List<RecordFailure> failures = new CopyOnWriteArrayList<>();
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        Set<Long> daemons;
        KplProducer producer = KplProducer.start(kplFor(aws, stream).failureListener(failures::add).build());
        try (producer) {
            daemons = producer.daemonPids();
            assertThat(daemons).isNotEmpty().allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                    .orElse(false));
            for (int i = 0; i < events; i++) {
                String key = "user-" + (i % 53);
                futures.add(producer.send(key, (key + "|" + i).getBytes(StandardCharsets.UTF_8)));
                if (i == 0) {
                    // The daemon loads a stream's shard map only when the first record for it arrives, and sends
                    // records unaggregated until then (about a second; slower under load).
                    producer.flush();
                    Thread.sleep(3_000);
                }
            }
            producer.flush();
            assertThat(producer.metrics().recordsAcknowledged()).isEqualTo(events);
            assertThat(producer.metrics().bufferedRecords()).isZero();
            assertThat(producer.kplOutstandingRecords()).isZero();
        }
        assertThat(failures).isEmpty();
        for (CompletableFuture<PutResult> f : futures) {
            PutResult result = f.getNow(null);
            assertThat(result).isNotNull();
            assertThat(result.shardId()).startsWith("shardId-");
            assertThat(result.attempts()).isPositive();
        }
        // close() waited for the daemon to exit: no KPL process of ours may survive it.
        for (long pid : daemons) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("KPL daemon %d alive after close", pid).isFalse();
        }

        Map<String, Integer> seen = new HashMap<>();
        int kinesisRecords = 0;
        try (KinesisAsyncClient kinesis = aws.clients().kinesisAsync()) {
            for (StreamContents.ShardContents shard : StreamContents.read(kinesis, stream)) {
                kinesisRecords += shard.kinesisRecords();
                for (KinesisClientRecord user : shard.userRecords()) {
                    String text = StandardCharsets.UTF_8.decode(user.data()).toString();
                    assertThat(user.partitionKey()).isEqualTo(text.substring(0, text.indexOf('|')));
                    seen.merge(text, 1, Integer::sum);
                }
            }
        }
        int copies = 0;
        for (int i = 0; i < events; i++) {
            String event = "user-" + (i % 53) + "|" + i;
            int times = seen.getOrDefault(event, 0);
            assertThat(times).as("times event %d is in the stream", i).isPositive();
            if (times > 1) {
                assertThat(futures.get(i).join().attempts()).as("attempts of event %d, in the stream %d times", i,
                        times).isGreaterThan(1);
                copies += times - 1;
            }
        }
        assertThat(seen).as("events in the stream").hasSize(events);
        System.out.printf("KPL: %d events in %d Kinesis records, %d copies from retried attempts%n", events,
                kinesisRecords, copies);
        assertThat(kinesisRecords).as("Kinesis records (the KPL aggregates)").isLessThan(events / 10);
    }

    /** A stream that does not exist: nothing is ever acknowledged, so records stay outstanding until their TTL. */
    @Test
    void boundsOutstandingRecordsAndReportsExpiryToListenerAndFuture(LocalAws aws) throws Exception {
        String missing = unique("kpl-missing");
        List<RecordFailure> failures = new CopyOnWriteArrayList<>();
        KplProducer producer = KplProducer.start(kplFor(aws, missing)
                .maxOutstandingRecords(5)
                .whenFull(BufferFullPolicy.FAIL_FAST)
                .recordTtl(Duration.ofSeconds(2))
                .failureListener(failures::add)
                .build());
        try (producer) {
            List<CompletableFuture<PutResult>> futures = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                futures.add(producer.send("k", ("event-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            assertThatThrownBy(() -> producer.send("k", "one too many".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(BufferFullException.class);
            assertThat(producer.metrics().bufferFullRejections()).isEqualTo(1);

            await().atMost(20, TimeUnit.SECONDS).until(() -> failures.size() == 5);
            assertThat(failures).allSatisfy(f -> {
                assertThat(f.reason()).isEqualTo(FailureReason.TTL_EXPIRED);
                assertThat(f.message()).contains("TTL");
            });
            for (CompletableFuture<PutResult> f : futures) {
                assertThat(f).isCompletedExceptionally();
                assertThatThrownBy(f::join).hasCauseInstanceOf(RecordFailedException.class);
            }
            assertThat(producer.metrics().failuresByReason().get(FailureReason.TTL_EXPIRED)).isEqualTo(5);
            // The expired records gave their places back.
            producer.send("k", "after expiry".getBytes(StandardCharsets.UTF_8));
            assertThat(producer.metrics().bufferedRecords()).isEqualTo(1);
        }
        // close() fails what the daemon still held instead of leaving it pending.
        await().atMost(5, TimeUnit.SECONDS).until(() -> failures.size() == 6);
        assertThat(failures.get(5).reason()).isIn(FailureReason.PRODUCER_CLOSED, FailureReason.TTL_EXPIRED);
    }
}
