package io.rtpipe.producer.bench;

import io.rtpipe.producer.RecordProducer;
import io.rtpipe.producer.aggregation.AggregatingProducer;
import io.rtpipe.producer.aggregation.AggregationConfig;
import io.rtpipe.producer.kinesis.KinesisBatchProducer;
import io.rtpipe.producer.kinesis.ProducerConfig;
import io.rtpipe.producer.kpl.KplConfig;
import io.rtpipe.producer.kpl.KplProducer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One benchmark run in its own JVM, so {@code /proc/self/stat} holds this producer's CPU only: sends events of one size
 * as fast as the producer accepts them (one thread; {@code send} blocks when the producer's bound is reached), with a
 * completion callback per event, first for a warm-up, then for the measured period, and prints one {@code RESULT} line.
 *
 * <p>Production settings throughout: {@code rtpipe} is {@link AggregatingProducer} (defaults) over
 * {@link KinesisBatchProducer} (defaults: retries, TTL, bounded buffer that blocks, counters); {@code kpl} is
 * {@link KplProducer} (defaults: aggregation, bounded outstanding records, TTL, counters).
 */
public final class ProducerRun {

    private static final String STREAM = "bench";
    private static final HttpClient STATS_CLIENT = HttpClient.newHttpClient();
    private static final Pattern COUNTER = Pattern.compile("\"(\\w+)\":(\\d+)");

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchArgs.parse(args);
        String kind = options.get("producer");
        int eventBytes = Integer.parseInt(options.get("event-bytes"));
        double seconds = Double.parseDouble(options.getOrDefault("seconds", "15"));
        double warmupSeconds = Double.parseDouble(options.getOrDefault("warmup", "5"));
        int port = Integer.parseInt(options.get("port"));
        int tlsPort = Integer.parseInt(options.get("tls-port"));
        URI stats = URI.create("http://127.0.0.1:" + port + "/_stats");

        byte[][] events = events(eventBytes);
        Set<Long> daemons = Set.of();
        KinesisAsyncClient client = null;
        RecordProducer producer;
        if (kind.equals("rtpipe")) {
            client = sdkClient(port);
            producer = AggregatingProducer.wrap(KinesisBatchProducer.create(client, ProducerConfig.builder(STREAM)
                    .build()), AggregationConfig.defaults());
        } else if (kind.equals("kpl")) {
            KplProducer kpl = KplProducer.start(KplConfig.builder(STREAM)
                    .emulator(URI.create("https://127.0.0.1:" + tlsPort))
                    .tempDirectory(Path.of(options.getOrDefault("kpl-temp", "target/kpl")))
                    .build());
            daemons = kpl.daemonPids();
            producer = kpl;
        } else {
            throw new IllegalArgumentException("--producer must be rtpipe or kpl, was " + kind + ".");
        }
        List<Long> pids = new ArrayList<>(daemons);
        pids.add(ProcessHandle.current().pid());

        LongAdder acknowledged = new LongAdder();
        LongAdder failed = new LongAdder();
        try (producer) {
            // Warm-up: JIT, connections, and the KPL's shard map (loaded on the first record; no aggregation before).
            sendFor(producer, events, warmupSeconds, acknowledged, failed);
            producer.flush();

            Map<String, Long> statsBefore = counters(stats);
            long ackedBefore = acknowledged.sum();
            double cpuBefore = ProcCpu.seconds(pids);
            ProcCpu.VmThreads vmBefore = ProcCpu.vmThreadsOfThisProcess();
            long start = System.nanoTime();
            long sent = sendFor(producer, events, seconds, acknowledged, failed);
            producer.flush();
            double elapsed = (System.nanoTime() - start) / 1e9;
            double cpu = ProcCpu.seconds(pids) - cpuBefore;
            ProcCpu.VmThreads vm = ProcCpu.vmThreadsOfThisProcess().minus(vmBefore);
            Map<String, Long> statsAfter = counters(stats);

            long records = statsAfter.get("records") - statsBefore.get("records");
            long requests = statsAfter.get("requests") - statsBefore.get("requests");
            long wire = statsAfter.get("wireBytes") - statsBefore.get("wireBytes");
            System.out.printf(Locale.ROOT, "RESULT producer=%s eventBytes=%d events=%d acknowledged=%d "
                            + "failed=%d seconds=%.2f eventsPerSecond=%.0f kinesisRecords=%d putRequests=%d "
                            + "eventsPerRecord=%.1f cpuSeconds=%.2f cpuSecondsPerMillion=%.2f wireBytesPerEvent=%.1f "
                            + "ofWhichJitSeconds=%.2f ofWhichGcSeconds=%.2f%n",
                    kind, eventBytes, sent, acknowledged.sum() - ackedBefore, failed.sum(), elapsed, sent / elapsed,
                    records, requests, (double) sent / records, cpu, cpu / sent * 1e6, (double) wire / sent,
                    vm.jitSeconds(), vm.gcSeconds());
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }

    /** Sends round-robin from the pool for {@code seconds}, each with a callback like an application's. */
    private static long sendFor(RecordProducer producer, byte[][] events, double seconds, LongAdder acknowledged,
                                LongAdder failed) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long sent = 0;
        do {
            for (int i = 0; i < 1024; i++) {
                producer.send(events[(int) (sent++ & (events.length - 1))]).whenComplete((result, error) -> {
                    if (error == null) {
                        acknowledged.increment();
                    } else {
                        failed.increment();
                    }
                });
            }
        } while (System.nanoTime() < end);
        return sent;
    }

    /** 4,096 distinct events of exactly {@code size} printable bytes (neither producer compresses). */
    private static byte[][] events(int size) {
        Random random = new Random(42);
        byte[][] events = new byte[4096][size];
        for (byte[] event : events) {
            for (int i = 0; i < size; i++) {
                event[i] = (byte) ('a' + random.nextInt(26));
            }
        }
        return events;
    }

    /**
     * The SDK client as {@code AwsClients} builds it, but HTTP/1.1: the JDK server behind the benchmark endpoint has
     * no HTTP/2. CBOR stays on (the SDK default).
     */
    private static KinesisAsyncClient sdkClient(int port) {
        return KinesisAsyncClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(64)
                        .protocol(Protocol.HTTP1_1))
                .build();
    }

    private static Map<String, Long> counters(URI stats) throws Exception {
        String body = STATS_CLIENT.send(HttpRequest.newBuilder(stats).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = COUNTER.matcher(body);
        Map<String, Long> counters = new HashMap<>();
        while (m.find()) {
            counters.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return counters;
    }
}
