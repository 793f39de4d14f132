package io.rtpipe.cli;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.connectors.s3.IntervalKind;
import io.rtpipe.connectors.s3.IntervalReader;
import io.rtpipe.consumer.ConsumerConfig;
import io.rtpipe.consumer.KclConsumer;
import io.rtpipe.consumer.testing.FastKcl;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.spec.SpecLoader;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file replayed at full speed through {@code rtpipe produce --source stdin} with default flags (aggregation on)
 * reaches each shard in file order: its event times are out of order by at most 2 s, so a consumer allowing 30 s of
 * lateness sets none aside, and every per-type, per-minute count equals this test's own count of the file. With 32
 * fixed hash-key buckets (the producer before one lane per shard) aggregates of one shard covered overlapping stretches
 * of the file and reached it out of order: of 100,000 events 19,229 were late on 2 shards and 9,306 on 4 (of the
 * default 20,000: 449 and 921). Prints the
 * rate {@code rtpipe produce} reached (events/s, including its start).
 *
 * <p>Events: {@code rtpipe.replay.events} (default 20,000; {@code -Preplay-100k} runs 100,000), about 100 per second
 * of event time, so the file spans minutes of windows.
 */
@ExtendWith(SandboxExtension.class)
class ProduceReplayOrderIT {

    private static final int EVENTS = Integer.getInteger("rtpipe.replay.events", 20_000);
    private static final long MAX_DISORDER_MILLIS = 2_000;
    private static final long MINUTE = 60_000;
    private static final String SPEC = """
            metrics:
              - name: replay_counts
                group_by: [type]
                timestamp: ts
                window: {type: tumbling, size: 1m}
                allowed_lateness: 30s
                dedup: {field: event_id}
                aggregates:
                  - {name: count, fn: count}
            """;

    private final LocalAws aws;

    ProduceReplayOrderIT(LocalAws aws) {
        this.aws = aws;
    }

    @ParameterizedTest(name = "{0} shards")
    @ValueSource(ints = {2, 4})
    void aReplayedFileHasNoLateEventsAndEveryCountMatches(int shards) throws Exception {
        String stream = unique("replay-it");
        String bucket = unique("bucket");
        String application = unique("app");
        aws.createStream(stream, shards);
        aws.createBucket(bucket);
        Map<String, Long> expected = new TreeMap<>();
        byte[] file = file(new Random(shards), expected);

        long started = System.nanoTime();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int exit = produce(stream, file, stderr);
        double seconds = (System.nanoTime() - started) / 1e9;
        String log = stderr.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(log).isZero();
        System.out.printf("replay into %d shards: %,d events produced in %.1f s = %,.0f events/s (rtpipe produce "
                + "--source stdin, default flags)%n", shards, EVENTS, seconds, EVENTS / seconds);

        AwsClients clients = aws.clients();
        EngineConfig engine = SpecLoader.standard().parse("replay.yaml", SPEC);
        ConsumerConfig config = FastKcl.builder(application, stream, bucket)
                .engine(engine)
                .checkpointInterval(Duration.ofSeconds(1))
                // kinesis-mock answers a GetRecords of 10,000 aggregated records (many MB) not within a minute
                .maxRecordsPerCall(2)
                .gracefulShutdownTimeout(Duration.ofSeconds(30))
                .build();
        try (KclConsumer consumer = new KclConsumer(config, clients)) {
            Instant producedAt = Instant.now();
            consumer.start();
            assertThat(consumer.awaitCaughtUp(producedAt, Duration.ofMinutes(5))).as("caught up").isTrue();
            assertThat(consumer.drainAndStop(Duration.ofSeconds(60))).as("drained").isTrue();
            System.out.printf("replay into %d shards: consumer %s%n", shards, consumer.stats().progressLine());
        }

        try (var s3 = clients.s3(); var dynamoDb = clients.dynamoDb()) {
            var late = new IntervalReader(s3, bucket).lines(IntervalKind.LATE, stream);
            assertThat(late).as("late records set aside").isEmpty();
            Map<String, Long> counted = new TreeMap<>();
            for (MergedResult r : new ResultsQuery(dynamoDb, s3, config.resultsTableName()).merged(engine,
                    "replay_counts", Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), Map.of())) {
                counted.put(r.key().get("type") + "@" + r.windowStart(),
                        ((Number) r.values().get("count")).longValue());
            }
            assertThat(counted).isEqualTo(expected);
        }
    }

    private int produce(String stream, byte[] stdin, ByteArrayOutputStream stderr) {
        CommandLine cli = Main.commandLine();
        ProduceCommand command = cli.getSubcommands().get("produce").getCommand();
        command.stdin = new ByteArrayInputStream(stdin);
        command.stderr = new PrintStream(stderr, true, StandardCharsets.UTF_8);
        var config = aws.awsConfig();
        List<String> args = new ArrayList<>(List.of("produce", "--region", config.region(), "--stream", stream,
                "--source", "stdin"));
        config.kinesisEndpoint().ifPresent(uri -> args.addAll(List.of("--kinesis-endpoint", uri.toString())));
        return cli.execute(args.toArray(String[]::new));
    }

    /**
     * The file: JSON lines whose {@code ts} advances by 0..20 ms per line and lies up to 2 s before the line's clock,
     * so no event is more than 2 s older than one before it. Counts each line per type and minute into
     * {@code expected}.
     */
    private static byte[] file(Random random, Map<String, Long> expected) {
        String[] types = {"view", "click", "purchase", "signup"};
        long clock = Instant.parse("2026-06-01T08:00:00Z").toEpochMilli();
        StringBuilder lines = new StringBuilder(EVENTS * 100);
        long maxSeen = clock;
        for (int i = 0; i < EVENTS; i++) {
            clock += random.nextInt(21);
            long ts = clock - random.nextInt((int) MAX_DISORDER_MILLIS + 1);
            if (ts < maxSeen - MAX_DISORDER_MILLIS) {
                throw new AssertionError("generated disorder above 2 s");
            }
            maxSeen = Math.max(maxSeen, ts);
            String type = types[random.nextInt(types.length)];
            lines.append("{\"event_id\":\"e").append(i).append("\",\"ts\":").append(ts).append(",\"type\":\"")
                    .append(type).append("\",\"user_id\":\"u").append(random.nextInt(5_000))
                    .append("\",\"page\":\"/p/").append(random.nextInt(300)).append("\"}\n");
            expected.merge(type + "@" + Instant.ofEpochMilli(ts - Math.floorMod(ts, MINUTE)), 1L, Long::sum);
        }
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }
}
