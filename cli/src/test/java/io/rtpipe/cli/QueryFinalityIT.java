package io.rtpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.consumer.ConsumerConfig;
import io.rtpipe.consumer.KclConsumer;
import io.rtpipe.consumer.testing.FastKcl;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import io.rtpipe.testkit.StreamReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rtpipe query} on the emulators over two shards with the idle watermark off: while one shard has not fired
 * a minute, the query hides it and {@code --partial} shows it as partial with the other shard's counts; once both
 * are drained it is final with the counts of every event sent.
 */
@ExtendWith(SandboxExtension.class)
class QueryFinalityIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    private static final String[] TYPES = {"click", "view", "buy"};

    @Test
    void aMinuteOneShardHasNotFiredIsPartialUntilItHas(LocalAws aws) throws Exception {
        String stream = unique("finality");
        String bucket = unique("bucket");
        aws.createStream(stream, 2);
        aws.createBucket(bucket);
        var clients = aws.clients();
        // Per shard, the count per type it is sent in minute 0: shard "busy" also gets an event two minutes on, so
        // it fires minute 0; shard "quiet" gets nothing more, and with no idle watermark keeps the minute open.
        Map<String, Long> busyCounts = new TreeMap<>();
        Map<String, Long> allCounts = new TreeMap<>();
        List<Shard> shards;
        try (KinesisAsyncClient kinesis = clients.kinesisAsync()) {
            shards = StreamReader.listShards(kinesis, stream);
            assertThat(shards).hasSize(2);
            int id = 0;
            for (int i = 0; i < 40; i++) {
                for (int s = 0; s < 2; s++) {
                    String type = TYPES[(i + s) % TYPES.length];
                    put(kinesis, stream, shards.get(s), event(id++, type, T0.plusMillis(i * 1_000L + s * 300)));
                    allCounts.merge(type, 1L, Long::sum);
                    if (s == 0) {
                        busyCounts.merge(type, 1L, Long::sum);
                    }
                }
            }
            put(kinesis, stream, shards.get(0), event(id, "click", T0.plusSeconds(150)));
        }
        String application = unique("app");
        ConsumerConfig config = FastKcl.builder(application, stream, bucket)
                .idleWatermarkAfter(Duration.ZERO)
                .build();
        List<String> base = queryArgs(aws.awsConfig(), stream, config.resultsTableName());

        try (var consumer = new KclConsumer(config, clients)) {
            consumer.start();
            assertThat(consumer.awaitCaughtUp(Instant.now(), Duration.ofSeconds(90))).isTrue();
            // The busy shard's partials of minute 0 are written (and its mark past the minute) once they show.
            await(() -> counts(rows(base, "--partial")).equals(busyCounts), "the busy shard's minute 0");

            List<JsonNode> partial = rows(base, "--partial");
            assertThat(partial).as("the quiet shard has not fired minute 0").isNotEmpty()
                    .allSatisfy(row -> assertThat(row.get("final").asBoolean()).isFalse());
            assertThat(counts(partial)).isEqualTo(busyCounts);
            assertThat(rows(base)).as("without --partial the partial minute is hidden").isEmpty();
            String table = run(tableArgs(base));
            System.out.print(table + run(tableArgs(base, "--partial")));
            assertThat(table).contains(busyCounts.size() + " partial window result(s) hidden")
                    .startsWith("events_per_minute: 0 window result(s)");

            assertThat(consumer.drainAndStop(Duration.ofSeconds(60))).isTrue();
        }
        List<JsonNode> drained = rows(base);
        assertThat(drained).allSatisfy(row -> assertThat(row.get("final").asBoolean()).isTrue());
        assertThat(counts(drained)).isEqualTo(allCounts);
        String finalTable = run(tableArgs(base, "--partial"));
        System.out.print(finalTable);
        assertThat(finalTable).contains("  final  ").doesNotContain("partial  ");
    }

    /**
     * Four shards with a short idle watermark: one busy, one quiet after its first 2 s (views only, so the filtered
     * metric never takes one of its records), two that never get a record. Every window of both metrics becomes
     * final in {@code rtpipe query} without a drain, with the counts of every event sent.
     */
    @Test
    void withAShortIdleWatermarkAQuietAndTwoEmptyShardsLetEveryWindowBecomeFinal(LocalAws aws) throws Exception {
        String stream = unique("finality-idle");
        String bucket = unique("bucket");
        aws.createStream(stream, 4);
        aws.createBucket(bucket);
        var clients = aws.clients();
        Path spec = Files.createTempFile("finality-idle", ".yaml");
        Files.writeString(spec, """
                metrics:
                  - name: per_type
                    group_by: [type]
                    window: {type: tumbling, size: 5s}
                    allowed_lateness: 1s
                    aggregates: [{name: count, fn: count}]
                  - name: clicks
                    filter: "type == 'click'"
                    group_by: [type]
                    window: {type: tumbling, size: 5s}
                    allowed_lateness: 1s
                    aggregates: [{name: count, fn: count}]
                """);
        // The test's own counts over [T0, T0 + 15 s), per metric and type.
        Map<String, Long> perType = new TreeMap<>();
        Map<String, Long> clicks = new TreeMap<>();
        try (KinesisAsyncClient kinesis = clients.kinesisAsync()) {
            List<Shard> shards = StreamReader.listShards(kinesis, stream);
            assertThat(shards).hasSize(4);
            int id = 0;
            for (int i = 0; i < 60; i++) {                  // busy: T0 .. T0 + 14.75 s
                String type = i % 3 == 0 ? "click" : "view";
                put(kinesis, stream, shards.get(0), event(id++, type, T0.plusMillis(i * 250L)));
                perType.merge(type, 1L, Long::sum);
                if (type.equals("click")) {
                    clicks.merge(type, 1L, Long::sum);
                }
            }
            for (int i = 0; i < 5; i++) {                   // quiet: views up to T0 + 2 s, then nothing
                put(kinesis, stream, shards.get(1), event(id++, "view", T0.plusMillis(i * 500L)));
                perType.merge("view", 1L, Long::sum);
            }
        }
        String application = unique("app");
        ConsumerConfig config = FastKcl.builder(application, stream, bucket)
                .idleWatermarkAfter(Duration.ofSeconds(1))
                .engine(MetricsFile.load(spec))
                .build();
        List<String> perTypeQuery = tableArgs(queryArgs(aws.awsConfig(), stream, config.resultsTableName(),
                "per_type", Duration.ofSeconds(15)), "--metrics", spec.toString());
        List<String> clicksQuery = tableArgs(queryArgs(aws.awsConfig(), stream, config.resultsTableName(),
                "clicks", Duration.ofSeconds(15)), "--metrics", spec.toString());

        try (var consumer = new KclConsumer(config, clients)) {
            consumer.start();
            assertThat(consumer.awaitCaughtUp(Instant.now(), Duration.ofSeconds(90))).isTrue();
            // The quiet shard's event time moves about 1 s per idle second: 14 s to pass the last window's end.
            await(() -> counts(rows(perTypeQuery)).equals(perType) && counts(rows(clicksQuery)).equals(clicks),
                    "every window final without --partial");
            for (List<String> query : List.of(perTypeQuery, clicksQuery)) {
                List<JsonNode> all = rows(query, "--partial");
                assertThat(all).as("three 5 s windows").extracting(row -> row.get("window_start").asText())
                        .containsOnly(T0.toString(), T0.plusSeconds(5).toString(), T0.plusSeconds(10).toString());
                assertThat(all).allSatisfy(row -> assertThat(row.get("final").asBoolean()).isTrue());
                assertThat(rows(query)).isEqualTo(all);
            }
            System.out.print(run(perTypeQuery) + run(clicksQuery));
            assertThat(consumer.stats().lateRecords()).as("no record was late").isZero();
        }
    }

    private static String event(int id, String type, Instant ts) {
        return "{\"event_id\":\"e" + id + "\",\"type\":\"" + type + "\",\"ts\":" + ts.toEpochMilli() + "}";
    }

    /** Puts the record on {@code shard}: its starting hash key as the explicit hash key. */
    private static void put(KinesisAsyncClient kinesis, String stream, Shard shard, String payload) {
        kinesis.putRecord(b -> b.streamName(stream).partitionKey("pk").explicitHashKey(
                shard.hashKeyRange().startingHashKey()).data(SdkBytes.fromUtf8String(payload))).join();
    }

    /** Minute 0 only: the busy shard's later minute stays open until the drain. */
    private static List<String> queryArgs(AwsConfig config, String stream, String table) {
        return queryArgs(config, stream, table, "events_per_minute", Duration.ofSeconds(60));
    }

    /** The windows of {@code metric} in [T0, T0 + span). */
    private static List<String> queryArgs(AwsConfig config, String stream, String table, String metric,
                                          Duration span) {
        List<String> args = new ArrayList<>(List.of("query", metric, "--stream", stream,
                "--results-table", table, "--region", config.region(), "--from", T0.toString(),
                "--to", T0.plus(span).toString()));
        endpoint(args, "--kinesis-endpoint", config.kinesisEndpoint());
        endpoint(args, "--dynamodb-endpoint", config.dynamoDbEndpoint());
        endpoint(args, "--s3-endpoint", config.s3Endpoint());
        return args;
    }

    private static List<String> tableArgs(List<String> base, String... more) {
        List<String> args = new ArrayList<>(base);
        args.addAll(List.of(more));
        return args;
    }

    private static List<JsonNode> rows(List<String> base, String... more) {
        List<String> args = tableArgs(base, more);
        args.addAll(List.of("--format", "json"));
        List<JsonNode> rows = new ArrayList<>();
        for (String line : run(args).split("\n")) {
            if (!line.isBlank()) {
                try {
                    rows.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return rows;
    }

    private static String run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args.toArray(String[]::new));
        assertThat(exit).as("rtpipe %s: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    /** Per type, the count summed over the rows' windows. */
    private static Map<String, Long> counts(List<JsonNode> rows) {
        Map<String, Long> counts = new TreeMap<>();
        rows.forEach(row -> counts.merge(row.path("key").path("type").asText(), row.path("values").path("count")
                .asLong(), Long::sum));
        return counts;
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    private static void endpoint(List<String> args, String flag, Optional<?> endpoint) {
        endpoint.ifPresent(uri -> args.addAll(List.of(flag, uri.toString())));
    }
}
