package io.rtpipe.cli.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.consumer.ConsumerConfig;
import io.rtpipe.consumer.KclConsumer;
import io.rtpipe.consumer.testing.FastKcl;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console in a real browser during a run on the sandbox: known events (with copies, late ones and lines that are
 * not JSON) go through Kinesis and the KCL consumer in this process while the console watches; then headless
 * Chromium loads the page, and the charts, the latest-windows table and the records browser must show exactly what a
 * plain count of the events (replaying the lateness rule per shard, in sequence order) says. Saves a screenshot.
 */
@ExtendWith(SandboxExtension.class)
class ConsoleIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MINUTE = 60_000;
    private static final long LATENESS = 5_000;
    private static final String[] TYPES = {"view", "click", "purchase", "signup"};

    private final LocalAws aws;

    ConsoleIT(LocalAws aws) {
        this.aws = aws;
    }

    /** One put payload and, for a valid event, its id, time and type. */
    record Event(String id, long ts, String type, byte[] payload) {
        boolean valid() {
            return id != null;
        }
    }

    record Landed(Event event, String shardId, BigInteger sequence) {}

    @Test
    void pageShowsTheRunsWindowsDeadLettersAndLateRecords(@TempDir Path temp) throws Exception {
        Path browserDir = Files.createDirectories(Path.of("target", "console-it"));
        var chromium = HeadlessChromium.find(browserDir);
        assumeTrue(chromium.isPresent(), "no chromium on PATH: the browser test needs `apt-get install chromium`");
        String stream = unique("console-it");
        String bucket = unique("console-it");
        aws.createStream(stream, 2);
        aws.createBucket(bucket);
        AwsClients clients = aws.clients();
        ConsumerConfig consumerConfig = FastKcl.builder(unique("console-app"), stream, bucket).build();
        ConsoleConfig config = ConsoleConfig.of(consumerConfig,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));

        List<Event> events = events(new Random(16), Instant.now().truncatedTo(ChronoUnit.MINUTES)
                .minus(Duration.ofMinutes(5)).toEpochMilli());
        try (Console console = Console.start(config, clients);
             KinesisAsyncClient kinesis = clients.kinesisAsync();
             KclConsumer consumer = new KclConsumer(consumerConfig, clients)) {
            consumer.start();
            List<Landed> landed = put(kinesis, stream, events);
            assertThat(consumer.awaitReady(Duration.ofSeconds(60))).as("consumer holds leases").isTrue();
            assertThat(consumer.awaitCaughtUp(Instant.now(), Duration.ofSeconds(90))).as("caught up").isTrue();
            assertThat(consumer.drainAndStop(Duration.ofSeconds(30))).as("drained").isTrue();

            Truth truth = truth(landed);
            long deadLetters = events.stream().filter(e -> !e.valid()).count();
            awaitRecords(console.uri(), deadLetters, truth.late);

            assertLatencyIsBetweenWindowEndAndNow(console.uri());

            String dom = chromium.get().dumpDom(console.uri());
            assertThat(dom).contains("data-rendered=");
            assertThat(chartPoints(dom, "events_per_minute")).isEqualTo(truth.points());
            assertThat(latestRows(dom)).isEqualTo(truth.latestRows(ResultsView.LATEST_WINDOWS));
            assertThat(count(dom, "<tr class=\"record deadletter\">")).isEqualTo(deadLetters);
            events.stream().filter(e -> !e.valid()).forEach(e ->
                    assertThat(unescape(dom)).contains(new String(e.payload(), StandardCharsets.UTF_8)));
            assertThat(Pattern.compile("id=\"count-late\"[^>]*>" + truth.late + "<").matcher(dom).find())
                    .as("late records badge shows %d", truth.late).isTrue();
            assertThat(shardRows(dom)).containsExactlyInAnyOrderElementsOf(
                    landed.stream().map(Landed::shardId).distinct().toList());

            Path png = browserDir.resolve("console.png");
            chromium.get().screenshot(console.uri(), png, 1400, 1500);
            System.out.println("ConsoleIT: screenshot of the console saved to " + png.toAbsolutePath());
        }
    }

    /**
     * Events over four minutes in time order on a fixed clock, every 25th put twice (same id), every 90th payload not
     * JSON, and at the end a few events of the first minute, which is closed on every shard by then.
     */
    private static List<Event> events(Random random, long base) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            long ts = base + i * 400L + random.nextInt(300);
            Event e = event("e" + i, ts, TYPES[random.nextInt(random.nextInt(3) == 0 ? 4 : 2)]);
            events.add(e);
            if (i % 25 == 0) {
                events.add(e);
            }
            if (i % 90 == 0) {
                events.add(new Event(null, 0, null, ("not json " + i + " {").getBytes(StandardCharsets.UTF_8)));
            }
        }
        for (int i = 0; i < 6; i++) {
            events.add(event("late" + i, base + 10_000 + i, TYPES[i % 4]));
        }
        return events;
    }

    private static Event event(String id, long ts, String type) {
        String json = JSON.createObjectNode().put("event_id", id).put("ts", ts).put("type", type).toString();
        return new Event(id, ts, type, json.getBytes(StandardCharsets.UTF_8));
    }

    /** Puts in order, 50 a call, each call's entries landing in request order within a shard; retries in order. */
    private static List<Landed> put(KinesisAsyncClient kinesis, String stream, List<Event> events) {
        List<Landed> landed = new ArrayList<>();
        int next = 0;
        while (next < events.size()) {
            List<Event> chunk = events.subList(next, Math.min(next + 50, events.size()));
            List<PutRecordsRequestEntry> entries = chunk.stream().map(e -> PutRecordsRequestEntry.builder()
                    .partitionKey(e.valid() ? e.id() : "invalid-" + landed.size())
                    .data(SdkBytes.fromByteArray(e.payload())).build()).toList();
            List<PutRecordsResultEntry> results = kinesis.putRecords(b -> b.streamName(stream).records(entries))
                    .join().records();
            for (int i = 0; i < results.size() && results.get(i).errorCode() == null; i++) {
                landed.add(new Landed(chunk.get(i), results.get(i).shardId(),
                        new BigInteger(results.get(i).sequenceNumber())));
                next++;
            }
        }
        return landed;
    }

    /** The expected counts: per (window start, type) the distinct ids of events that were not late on their shard. */
    record Truth(Map<String, Map<Long, Set<String>>> windows, int late) {

        Map<String, List<List<Long>>> points() {
            Map<String, List<List<Long>>> points = new TreeMap<>();
            windows.forEach((type, byStart) -> points.put("type=" + type, byStart.entrySet().stream()
                    .map(e -> List.of(e.getKey(), (long) e.getValue().size())).toList()));
            return points;
        }

        Set<String> latestRows(int windowCount) {
            java.util.TreeSet<Long> all = new java.util.TreeSet<>();
            windows.values().forEach(byStart -> all.addAll(byStart.keySet()));
            Set<Long> starts = all.descendingSet().stream().limit(windowCount).collect(Collectors.toSet());
            Set<String> rows = new HashSet<>();
            windows.forEach((type, byStart) -> byStart.forEach((start, ids) -> {
                if (starts.contains(start)) {
                    rows.add(Instant.ofEpochMilli(start) + "|type=" + type + "|" + ids.size());
                }
            }));
            return rows;
        }
    }

    /** Replays each shard in sequence order: late when the window ended at or before (highest time seen − 5 s). */
    private static Truth truth(List<Landed> landed) {
        Map<String, List<Landed>> byShard = new HashMap<>();
        landed.forEach(l -> byShard.computeIfAbsent(l.shardId(), k -> new ArrayList<>()).add(l));
        Map<String, Map<Long, Set<String>>> windows = new TreeMap<>();
        int late = 0;
        for (List<Landed> shard : byShard.values()) {
            shard.sort(Comparator.comparing(Landed::sequence));
            long maxSeen = Long.MIN_VALUE;
            for (Landed l : shard) {
                Event e = l.event();
                if (!e.valid()) {
                    continue;
                }
                long start = Math.floorDiv(e.ts(), MINUTE) * MINUTE;
                Set<String> ids = windows.computeIfAbsent(e.type(), k -> new TreeMap<>())
                        .computeIfAbsent(start, k -> new HashSet<>());
                if (maxSeen != Long.MIN_VALUE && start + MINUTE <= maxSeen - LATENESS) {
                    late++;
                } else {
                    ids.add(e.id());
                }
                maxSeen = Math.max(maxSeen, e.ts());
            }
        }
        windows.values().forEach(byStart -> byStart.values().removeIf(Set::isEmpty));
        assertThat(late).as("the test's late events are late").isGreaterThanOrEqualTo(6);
        return new Truth(windows, late);
    }

    /** Waits until the console's last sample has read every dead letter and late record of the run. */
    private static void awaitRecords(URI console, long deadLetters, int late) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            long dead = JSON.readTree(get(http, console.resolve("api/records?kind=deadletter"))).size();
            long lateSeen = JSON.readTree(get(http, console.resolve("api/records?kind=late"))).size();
            if (dead == deadLetters && lateSeen == late) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the console shows " + dead + " dead letters and " + lateSeen
                        + " late records, expected " + deadLetters + " and " + late);
            }
            Thread.sleep(200);
        }
    }

    /** Each window was written after it ended (its events lie in the past) and before now. */
    private static void assertLatencyIsBetweenWindowEndAndNow(URI console) throws Exception {
        JsonNode view = JSON.readTree(get(HttpClient.newHttpClient(), console.resolve("api/metric?name=events_per_minute")));
        assertThat(view.get("latest")).isNotEmpty();
        long now = System.currentTimeMillis();
        view.get("latest").forEach(row -> {
            long end = Instant.parse(row.get("windowEnd").asText()).toEpochMilli();
            assertThat(row.get("latencyMillis").asLong()).as("latency of %s", row).isBetween(0L, now - end);
        });
    }

    private static String get(HttpClient http, URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The chart's drawn points (its data-points attribute): label → [[window start ms, value], …]. */
    private static Map<String, List<List<Long>>> chartPoints(String dom, String metric) throws IOException {
        Matcher m = Pattern.compile("id=\"chart-" + metric + "\"[^>]*data-points=\"([^\"]*)\"").matcher(dom);
        assertThat(m.find()).as("chart of %s has drawn points", metric).isTrue();
        JsonNode points = JSON.readTree(unescape(m.group(1)));
        Map<String, List<List<Long>>> byLabel = new TreeMap<>();
        points.properties().forEach(e -> {
            List<List<Long>> list = new ArrayList<>();
            e.getValue().forEach(p -> list.add(List.of(p.get(0).asLong(), p.get(1).asLong())));
            byLabel.put(e.getKey(), list);
        });
        return byLabel;
    }

    private static Set<String> latestRows(String dom) {
        Matcher m = Pattern.compile("<tr data-window=\"([^\"]+)\" data-key=\"([^\"]+)\" data-value=\"([^\"]+)\"")
                .matcher(dom);
        Set<String> rows = new HashSet<>();
        while (m.find()) {
            rows.add(m.group(1) + "|" + unescape(m.group(2)) + "|" + m.group(3));
        }
        return rows;
    }

    private static List<String> shardRows(String dom) {
        Matcher m = Pattern.compile("<tr data-shard=\"([^\"]+)\"").matcher(dom);
        List<String> shards = new ArrayList<>();
        while (m.find()) {
            shards.add(m.group(1));
        }
        return shards;
    }

    private static long count(String text, String needle) {
        return text.split(Pattern.quote(needle), -1).length - 1L;
    }

    private static String unescape(String html) {
        return html.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'")
                .replace("&amp;", "&");
    }
}
