package io.rtpipe.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.consumer.testing.ConsumerFixture;
import io.rtpipe.consumer.testing.Results;
import io.rtpipe.consumer.testing.TestEvents;
import io.rtpipe.producer.PutResult;
import io.rtpipe.producer.aggregation.AggregatingProducer;
import io.rtpipe.producer.aggregation.AggregationConfig;
import io.rtpipe.producer.kinesis.KinesisBatchProducer;
import io.rtpipe.producer.kinesis.ProducerConfig;
import io.rtpipe.producer.source.GeneratorConfig;
import io.rtpipe.producer.source.GeneratorSource;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backlog of aggregated records read within a bound (issue #12: 300,000 generated events, aggregated 228 per
 * record into 4 shards, were never read: with KCL's 10,000 records per GetRecords call kinesis-mock built pages of
 * hundreds of MB and every call timed out). The events are produced as {@code rtpipe produce} sends them (generator,
 * KPL-format aggregation with its defaults), all before the consumer starts; the consumer asks for the page size the
 * sandbox names for such records ({@link LocalAws#getRecordsLimit}) and must have counted every event, per type and
 * minute, as the test counts the payloads itself, within 60 s plus 1 s per 2,000 events of starting (a stalled
 * consumer reads nothing at all).
 *
 * <p>Size: 100,000 events by default (about 1.5 minutes at a load average of 15 on 2 cores), the 300,000
 * with the Maven profile {@code large-backlog} (or {@code -Drtpipe.backlog.events=N}). Only the large case stalls
 * without the fix: with {@code -Drtpipe.backlog.perCall=10000} (KCL's default) 100,000 events (5 MB pages per shard)
 * were read in 17 s, 300,000 (about 16 MB pages) not at all: 0 consumed in 210 s, as in the issue.
 */
@ExtendWith(SandboxExtension.class)
class LargeBacklogIT {

    private static final int EVENTS = Integer.getInteger("rtpipe.backlog.events", 100_000);
    private static final Duration READ_BOUND = Duration.ofSeconds(60 + EVENTS / 2_000);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aBacklogOfAggregatedRecordsIsReadWithinABound(LocalAws aws) throws Exception {
        try (var fx = new ConsumerFixture(aws, 4)) {
            // Full aggregates of the default size, as in the issue, however fast acknowledgements come back here.
            AggregationConfig aggregation = AggregationConfig.builder().linger(Duration.ofSeconds(2)).build();
            // One event time for all: what is tested is reading, and an unpaced backlog through 32 hash-key buckets
            // would otherwise put some aggregates on a shard more than the 5 s lateness behind others.
            Instant first = Instant.now().truncatedTo(ChronoUnit.MINUTES);
            Clock eventTime = Clock.fixed(first.plusSeconds(30), ZoneOffset.UTC);
            Map<TestEvents.MinuteAndType, Long> expected = new TreeMap<>();
            long kinesisRecords;
            try (var producer = AggregatingProducer.wrap(
                    KinesisBatchProducer.create(fx.clients, ProducerConfig.builder(fx.stream).build()), aggregation);
                 var generator = new GeneratorSource(GeneratorConfig.builder().seed(12).eventsPerSecond(0)
                         .maxEvents(EVENTS).clock(eventTime).build())) {
                List<CompletableFuture<PutResult>> puts = new ArrayList<>(EVENTS);
                long started = System.nanoTime();
                generator.run(event -> {
                    expected.merge(minuteAndType(event), 1L, Long::sum);
                    puts.add(producer.send(event));
                });
                producer.flush();
                puts.forEach(CompletableFuture::join);
                kinesisRecords = producer.kinesisRecords();
                System.out.printf("produced %,d events in %,d Kinesis records (%d per record) in %.1f s%n", EVENTS,
                        kinesisRecords, EVENTS / kinesisRecords, (System.nanoTime() - started) / 1e9);
            }
            assertThat(EVENTS / kinesisRecords).as("events per Kinesis record (the issue had 228)")
                    .isGreaterThanOrEqualTo(200);

            int perCall = Integer.getInteger("rtpipe.backlog.perCall",
                    aws.getRecordsLimit(aggregation.largestRecordBytes()));
            // KCL's default failover: the fixture's 1 s makes a loaded machine lose and retake leases (a replay).
            var consumer = fx.consumer(fx.config().maxRecordsPerCall(perCall)
                    .failoverTime(Duration.ofSeconds(10)).build());
            long started = System.nanoTime();
            Instant producedAt = Instant.now();
            consumer.start();
            assertThat(consumer.awaitCaughtUp(producedAt, READ_BOUND))
                    .as("caught up within %s asking for %d records per call; %s", READ_BOUND, perCall,
                            consumer.stats().progressLine())
                    .isTrue();
            double readSeconds = (System.nanoTime() - started) / 1e9;
            assertThat(consumer.drainAndStop(Duration.ofSeconds(30))).isTrue();
            System.out.printf("read %,d events in %.1f s asking for %d records per call: %s%n", EVENTS, readSeconds,
                    perCall, consumer.stats().progressLine());

            // At least once (a lease lost under load replays); the results must still count each event once.
            assertThat(consumer.stats().recordsConsumed()).isGreaterThanOrEqualTo(EVENTS);
            assertThat(consumer.stats().lateRecords()).isZero();
            assertThat(Results.countsPerMinute(fx, first, Instant.now().plusSeconds(120))).isEqualTo(expected);
        }
    }

    /** The built-in metric's grouping, read from the payload without rtpipe code. */
    private static TestEvents.MinuteAndType minuteAndType(byte[] event) {
        try {
            JsonNode node = JSON.readTree(event);
            return new TestEvents.MinuteAndType(Instant.ofEpochMilli(node.get("ts").asLong())
                    .truncatedTo(ChronoUnit.MINUTES), node.get("type").asText());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
