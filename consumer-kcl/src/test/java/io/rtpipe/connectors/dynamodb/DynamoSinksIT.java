package io.rtpipe.connectors.dynamodb;

import io.rtpipe.connectors.s3.S3Writes;
import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.task.FencedException;
import io.rtpipe.core.task.ProgressException;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Results sink, results query and progress store against the sandbox's DynamoDB (dynalite by default). */
@ExtendWith(SandboxExtension.class)
class DynamoSinksIT {

    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    private static DynamoDbClient dynamoDb;
    private static S3Client s3;
    private static String bucket;

    @BeforeAll
    static void setUp(LocalAws aws) {
        dynamoDb = aws.clients().dynamoDb();
        s3 = aws.clients().s3();
        bucket = unique("bucket");
        aws.createBucket(bucket);
    }

    private static ResultsSink sink(String table) {
        return new ResultsSink(dynamoDb, table, RetryPolicy.defaults(), Duration.ofDays(7),
                new S3Writes(s3, bucket, RetryPolicy.defaults()), EngineConfig.defaults());
    }

    @AfterAll
    static void tearDown() {
        s3.close();
        dynamoDb.close();
    }

    private static WindowResult count(int minute, String type, String shard, long count) {
        Instant start = T0.plusSeconds(60L * minute);
        return new WindowResult("events_per_minute", start, start.plusSeconds(60), Map.of("type", type), shard,
                Map.of("count", count));
    }

    @Test
    void writesManyBatchesIdempotentlyAndQueriesAHalfOpenRangeWithAKeyFilter() {
        String table = unique("results");
        ResultsTable.createIfMissing(dynamoDb, table);
        ResultsTable.createIfMissing(dynamoDb, table); // idempotent
        var sink = sink(table);
        List<WindowResult> results = new ArrayList<>();
        for (int minute = 0; minute < 20; minute++) {
            for (String type : List.of("click", "view")) {
                for (String shard : List.of("shard-0", "shard-1")) {
                    results.add(count(minute, type, shard, minute * 10L + shard.length()));
                }
            }
        }
        sink.write(results);         // 80 items: 4 batches
        sink.write(results.subList(0, 30)); // a replay rewrites the same items

        var query = new ResultsQuery(dynamoDb, s3, table);
        List<WindowResult> all = query.partials("events_per_minute", T0, T0.plusSeconds(20 * 60), Map.of());
        List<WindowResult> clicksInMinutes5to9 = query.partials("events_per_minute", T0.plusSeconds(300),
                T0.plusSeconds(600), Map.of("type", "click"));

        assertThat(all).hasSize(80);
        assertThat(all).extracting(WindowResult::values).containsExactlyInAnyOrderElementsOf(
                results.stream().map(WindowResult::values).toList());
        assertThat(clicksInMinutes5to9).hasSize(10)
                .allSatisfy(r -> assertThat(r.key()).containsEntry("type", "click"))
                .extracting(r -> r.windowStart().getEpochSecond() - T0.getEpochSecond())
                .containsOnly(300L, 360L, 420L, 480L, 540L);
        assertThat(query.partials("other_metric", T0, T0.plusSeconds(3600), Map.of())).isEmpty();
    }

    @Test
    void firedThroughMarksDecideFinalityAndStayOutOfEveryWindowRange() {
        String table = unique("results");
        ResultsTable.createIfMissing(dynamoDb, table);
        var sink = sink(table);
        sink.write(List.of(count(0, "click", "shard-0", 3), count(0, "click", "shard-1", 4),
                count(1, "click", "shard-0", 5)));
        long minute1End = T0.plusSeconds(120).toEpochMilli();
        sink.markFiredThrough("shard-0", Map.of("events_per_minute", minute1End, "other_metric", 7L));
        sink.markFiredThrough("shard-1", Map.of("events_per_minute", minute1End - 1));
        var query = new ResultsQuery(dynamoDb, s3, table);

        Finality twoShards = new Finality(List.of("shard-0", "shard-1"), query.firedThrough("events_per_minute"));
        assertThat(twoShards.marks()).isEqualTo(Map.of("shard-0", minute1End, "shard-1", minute1End - 1));
        assertThat(twoShards.isFinal(T0.plusSeconds(60))).isTrue();
        assertThat(twoShards.isFinal(T0.plusSeconds(120))).as("shard-1 has not fired minute 1").isFalse();
        assertThat(new Finality(List.of("shard-0", "shard-1", "shard-2"), query.firedThrough("events_per_minute"))
                .isFinal(T0.plusSeconds(60))).as("shard-2 has no mark").isFalse();

        sink.markFiredThrough("shard-1", Map.of("events_per_minute", Long.MAX_VALUE)); // its input ended
        assertThat(new Finality(List.of("shard-0", "shard-1"), query.firedThrough("events_per_minute"))
                .isFinal(T0.plusSeconds(120)))
                .isTrue();
        assertThat(query.firedThrough("other_metric")).isEqualTo(Map.of("shard-0", 7L));
        // The marks are items of the same partition: no window range, however wide, returns them.
        Instant earliest = Instant.ofEpochMilli(MetricSpec.MIN_EVENT_TIME);
        Instant latest = Instant.ofEpochMilli(MetricSpec.MAX_EVENT_TIME);
        assertThat(query.partials("events_per_minute", earliest, latest, Map.of())).hasSize(3);
        assertThat(query.merged(EngineConfig.defaults(), "events_per_minute", earliest, latest, Map.of())).hasSize(2);
        assertThat(query.lastWrites("events_per_minute", earliest, latest)).hasSize(2);
    }

    @Test
    void aCarriedMarkIsReadBackWithItsTimesAndDecidesFinalityLikeAnyMark() {
        String table = unique("results");
        ResultsTable.createIfMissing(dynamoDb, table);
        var sink = sink(table);
        long minute1End = T0.plusSeconds(120).toEpochMilli();
        assertThat(sink.carriedMarks("shard-0")).as("none stored yet").isEmpty();

        var first = new CarriedMark(minute1End, minute1End + 5_000, "4960", null);
        sink.storeCarriedMarks("shard-0", Map.of("events_per_minute", first));
        assertThat(sink.carriedMarks("shard-0")).isEqualTo(Map.of("events_per_minute", first));
        var next = new CarriedMark(minute1End + 60_000, minute1End + 65_000, "4961/2", minute1End + 5_000);
        sink.storeCarriedMarks("shard-0", Map.of("events_per_minute", next));
        assertThat(sink.carriedMarks("shard-0")).as("replaced").isEqualTo(Map.of("events_per_minute", next));

        // A mark without times (the KCL consumer's) is a mark for readers, not a carried one.
        sink.markFiredThrough("shard-1", Map.of("events_per_minute", minute1End));
        assertThat(sink.carriedMarks("shard-1")).isEmpty();
        var query = new ResultsQuery(dynamoDb, s3, table);
        assertThat(query.firedThrough("events_per_minute"))
                .isEqualTo(Map.of("shard-0", minute1End + 60_000, "shard-1", minute1End));
        assertThat(query.partials("events_per_minute", Instant.ofEpochMilli(MetricSpec.MIN_EVENT_TIME),
                Instant.ofEpochMilli(MetricSpec.MAX_EVENT_TIME), Map.of())).isEmpty();
    }

    @Test
    void aKeyOverTheSortKeyLimitAndAPartialOverTheItemLimitAreStoredAndReadBackWhole() {
        String table = unique("results");
        ResultsTable.createIfMissing(dynamoDb, table);
        String longType = "t".repeat(1_100);
        byte[] big = new byte[432 * 1024];
        new java.util.Random(3).nextBytes(big);
        Instant start = T0;
        List<WindowResult> results = List.of(
                count(0, longType, "shard-0", 4),
                new WindowResult("events_per_minute", start, start.plusSeconds(60), Map.of("type", "big"), "shard-0",
                        Map.of("count", 9L, "top", big)),
                count(0, "click", "shard-0", 5));

        sink(table).write(results);
        sink(table).write(results); // a replay overwrites the same item and object

        List<WindowResult> back = new ResultsQuery(dynamoDb, s3, table).partials("events_per_minute", T0,
                T0.plusSeconds(60), Map.of());
        assertThat(back).hasSize(3);
        assertThat(back).filteredOn(r -> r.key().get("type").equals(longType)).singleElement()
                .satisfies(r -> assertThat(r.values()).containsEntry("count", 4L));
        assertThat(back).filteredOn(r -> r.key().get("type").equals("big")).singleElement().satisfies(r -> {
            assertThat(r.values()).containsEntry("count", 9L);
            assertThat((byte[]) r.values().get("top")).isEqualTo(big);
        });
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket).prefix("results/" + table + "/")).contents())
                .singleElement().satisfies(o -> assertThat(o.key()).endsWith("/shard-0.json"));
    }

    @Test
    void everyResultItemCarriesItsExpiryForTheTablesTtl() {
        String table = unique("results");
        ResultsTable.createIfMissing(dynamoDb, table);
        sink(table).write(List.of(count(0, "click", "shard-0", 5)));

        var item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                "metric", AttributeValue.fromS("events_per_minute"),
                "sk", AttributeValue.fromS("2024-05-01T12:00:00.000Z#{\"type\":\"click\"}#shard-0")))).item();

        // Window 12:00-12:01 plus 7 days.
        assertThat(item.get("expiresAt").n())
                .isEqualTo(Long.toString(Instant.parse("2024-05-08T12:01:00Z").getEpochSecond()));
    }

    @Test
    void progressStoreLoadsByExactCheckpointAndPrunesOlderEntries() {
        String table = unique("progress");
        ProgressStore.createTableIfMissing(dynamoDb, table);
        var store = new ProgressStore(dynamoDb, table, "app", "stream");
        var other = new ProgressStore(dynamoDb, table, "other-app", "stream");
        List<ShardProgress> saved = new ArrayList<>();
        long epoch = store.claim("shard-1", "worker-a"); // its owner item shares the partition: pruning skips it
        for (String seq : List.of("9", "10", "100", "1000")) { // numeric, not lexical, order matters for pruning
            var progress = new ShardProgress(RecordPosition.of(seq), Map.of("m", Long.parseLong(seq)), Map.of());
            store.save("shard-1", progress, epoch);
            saved.add(progress);
        }

        assertThat(store.load("shard-1", RecordPosition.of("100"))).contains(saved.get(2));
        assertThat(store.load("shard-1", RecordPosition.of("101"))).isEmpty();
        assertThat(other.load("shard-1", RecordPosition.of("100"))).isEmpty();
        assertThat(store.load("shard-2", RecordPosition.of("100"))).isEmpty();

        store.deleteBefore("shard-1", RecordPosition.of("100"));

        assertThat(store.checkpoints("shard-1")).containsExactly(RecordPosition.of("100"), RecordPosition.of("1000"));
    }

    @Test
    void aShardsStartEntryHoldsItsIdleDecisionsUntilItHasCheckpointed() {
        String table = unique("progress");
        ProgressStore.createTableIfMissing(dynamoDb, table);
        var store = new ProgressStore(dynamoDb, table, "app", "stream");
        long epoch = store.claim("shard-1", "worker-a");
        var start = new ShardProgress(null, Map.of(), Map.of(), Map.of(), Map.of(),
                List.of(new io.rtpipe.core.checkpoint.IdleAdvance(RecordPosition.of("7"), Map.of("m", 70_000L))));
        store.save("shard-1", start, epoch);

        assertThat(store.load("shard-1", null)).contains(start);
        assertThat(store.checkpoints("shard-1")).as("not a checkpoint").isEmpty();
        assertThatThrownBy(() -> store.save("shard-1", start, epoch - 1)).isInstanceOf(FencedException.class);

        store.save("shard-1", new ShardProgress(RecordPosition.of("9"), Map.of("m", 9L), Map.of()), epoch);
        store.deleteBefore("shard-1", RecordPosition.of("9"));
        assertThat(store.load("shard-1", null)).isEmpty();
        assertThat(store.checkpoints("shard-1")).containsExactly(RecordPosition.of("9"));
    }

    @Test
    void aClaimFencesThePreviousOwnersEpoch() {
        String table = unique("progress");
        ProgressStore.createTableIfMissing(dynamoDb, table);
        var store = new ProgressStore(dynamoDb, table, "app", "stream");
        long old = store.claim("shard-1", "worker-a");
        store.requireOwner("shard-1", old);
        long current = store.claim("shard-1", "worker-b");
        assertThat(current).isEqualTo(old + 1);
        assertThat(store.claim("shard-2", "worker-a")).as("epochs are per shard").isEqualTo(1);

        assertThatThrownBy(() -> store.requireOwner("shard-1", old)).isInstanceOf(FencedException.class)
                .hasMessage("shard shard-1 is owned by epoch 2 (worker-b), not by epoch 1: this worker lost the shard");
        var progress = new ShardProgress(RecordPosition.of("5"), Map.of("m", 5L), Map.of());
        store.save("shard-1", progress, current);
        assertThatThrownBy(() -> store.save("shard-1", progress, old)).isInstanceOf(FencedException.class)
                .hasMessageContaining("stored by a newer owner than epoch 1");
        store.requireOwner("shard-1", current);
        assertThat(store.load("shard-1", RecordPosition.of("5"))).contains(progress);
    }

    @Test
    void anApplicationsWorkersMustAgreeOnEveryMetricsDefinition() {
        String table = unique("progress");
        ProgressStore.createTableIfMissing(dynamoDb, table);
        var store = new ProgressStore(dynamoDb, table, "app", "stream");
        MetricSpec perMinute = MetricSpec.builder("per_minute").groupBy("type").build();
        store.requireDefinitions(EngineConfig.builder().metric(perMinute).build());
        store.requireDefinitions(EngineConfig.builder().metric(perMinute).build()); // a second worker, same spec
        store.requireDefinitions(EngineConfig.builder().metric(perMinute)
                .metric(MetricSpec.builder("per_page").groupBy("page").build()).build()); // a new metric joins

        EngineConfig changed = EngineConfig.builder().metric(MetricSpec.builder("per_page").groupBy("page")
                .maxKeysPerWindow(10).build()).build();
        assertThatThrownBy(() -> store.requireDefinitions(changed)).isInstanceOf(ProgressException.class)
                .hasMessage("metric per_page is defined otherwise than when application app recorded it "
                        + "(max_keys_per_window: stored 100000, now 10): give a changed metric a new name, or run "
                        + "the old definition");
        new ProgressStore(dynamoDb, table, "other-app", "stream").requireDefinitions(changed);
    }

    @Test
    void resultsCarryTheirMetricsFingerprintAndAQueryUnderAnotherDefinitionIsRefused() {
        String table = unique("results");
        ResultsTable.createIfMissing(dynamoDb, table);
        sink(table).write(List.of(count(0, "click", "shard-0", 5)));
        var query = new ResultsQuery(dynamoDb, s3, table);

        assertThat(query.merged(EngineConfig.defaults(), "events_per_minute", T0, T0.plusSeconds(60), Map.of()))
                .singleElement().satisfies(r -> assertThat(r.values()).containsEntry("count", 5L));
        EngineConfig otherLateness = EngineConfig.builder().metric(MetricSpec.builder("events_per_minute")
                .groupBy("type").dedup("event_id").allowedLateness(Duration.ofSeconds(30)).build()).build();
        assertThatThrownBy(() -> query.merged(otherLateness, "events_per_minute", T0, T0.plusSeconds(60), Map.of()))
                .isInstanceOf(ProgressException.class)
                .hasMessage("results of metric events_per_minute (window starting 2024-05-01T12:00:00Z) were written "
                        + "under another definition of it (fingerprint " + MetricSpec.eventsPerMinute().fingerprint()
                        + ", this spec's " + otherLateness.metrics().get(0).fingerprint() + "): query with the spec "
                        + "that wrote them");
    }
}
