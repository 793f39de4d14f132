package io.rtpipe.cli.local;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.kpl.AggregateEncoder;
import io.rtpipe.consumer.ConsumerConfig;
import io.rtpipe.consumer.ProcessorBench;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.producer.aggregation.AggregationConfig;
import io.rtpipe.producer.partition.PartitionKeySelector;
import io.rtpipe.producer.partition.PartitionRule;
import io.rtpipe.producer.source.GeneratorConfig;
import io.rtpipe.producer.source.GeneratorSource;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.Sandbox;
import io.rtpipe.sandbox.SandboxConfig;

import java.io.PrintStream;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rtpipe bench consumer}: CPU-seconds per million events of the consumer with Kinesis taken out
 * ({@link ProcessorBench} says what is measured and what not). Events come from the generator {@code rtpipe local}
 * uses, with event time advancing at {@code eventRate} per second, packed into KPL-format aggregates of the
 * producer's default size, one hash-key range per shard; the sinks write to the local emulators (their CPU is in
 * their own processes, not counted). A warm-up pass over the same records runs first, on a stream name of its own.
 */
public final class ConsumerBench {

    /** @param eventRate events per second of event time (how many windows the events span) */
    public record Options(int events, int shards, int eventRate, long seed) {}

    private final Options options;
    private final PrintStream out;
    private final PrintStream err;

    public ConsumerBench(Options options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    public void run() throws Exception {
        AggregationConfig aggregation = AggregationConfig.defaults();
        Map<String, List<byte[]>> shards = records(aggregation.maxRecordBytes());
        long kinesisRecords = shards.values().stream().mapToLong(List::size).sum();
        err.println("rtpipe bench consumer: starting local AWS for the sinks (dynalite, S3Mock)...");
        try (LocalAws aws = Sandbox.start(SandboxConfig.defaults())) {
            aws.createBucket(LocalRun.BUCKET);
            AwsClients clients = new AwsClients(aws.awsConfig());
            ConsumerConfig measured = LocalRun.consumerConfig(aws, EngineConfig.defaults(),
                    aggregation.maxRecordBytes());
            ConsumerConfig warmUp = ConsumerConfig.builder(measured.applicationName(), "bench-warm-up",
                    measured.bucket()).checkpointInterval(measured.checkpointInterval()).build();
            int perPage = measured.maxRecordsPerCall();
            out.printf("rtpipe bench consumer: %,d events in %,d aggregated records (%.0f per record) on %d shards,"
                            + " %d records per page; %s, checkpoint every %d s%n", options.events(), kinesisRecords,
                    options.events() / (double) kinesisRecords, options.shards(), perPage,
                    EngineConfig.defaults().metrics().get(0).name(), measured.checkpointInterval().toSeconds());
            print("warm-up ", ProcessorBench.run(warmUp, clients, shards, perPage));
            print("measured", ProcessorBench.run(measured, clients, shards, perPage));
        }
    }

    private void print(String pass, ProcessorBench.Result result) {
        out.printf("%s %,d events in %.1f s: %,.0f events/s, %.2f CPU-s for the JVM = %.2f CPU-s per million "
                        + "events, of which shard threads %.2f (%,d windows written, %,d checkpoints)%n", pass,
                result.events(), result.seconds(), result.eventsPerSecond(), result.processCpuSeconds(),
                result.cpuSecondsPerMillion(), result.shardCpuSeconds() / result.events() * 1e6,
                result.windowsWritten(), result.checkpoints());
    }

    /** Per shard, aggregated records of generated events, as the producer's aggregation would pack them. */
    private Map<String, List<byte[]>> records(int maxRecordBytes) {
        PartitionKeySelector keys = PartitionRule.selector(null, false, List.of());
        BigInteger range = BigInteger.ONE.shiftLeft(128).divide(BigInteger.valueOf(options.shards()));
        List<AggregateEncoder> encoders = new ArrayList<>();
        Map<String, List<byte[]>> shards = new LinkedHashMap<>();
        for (int i = 0; i < options.shards(); i++) {
            encoders.add(new AggregateEncoder(range.multiply(BigInteger.valueOf(i)).toString()));
            shards.put(String.format("shardId-%012d", i), new ArrayList<>());
        }
        List<List<byte[]>> lanes = new ArrayList<>(shards.values());
        GeneratorConfig generator = GeneratorConfig.builder().seed(options.seed()).eventsPerSecond(0)
                .clock(new SteppingClock(Instant.now().minusSeconds(options.events() / options.eventRate() + 60),
                        options.eventRate()))
                .build();
        try (GeneratorSource source = new GeneratorSource(generator)) {
            for (int i = 0; i < options.events(); i++) {
                byte[] event = source.next();
                String key = keys.partitionKey(event);
                int shard = Math.floorMod(key.hashCode(), options.shards());
                AggregateEncoder encoder = encoders.get(shard);
                if (!encoder.tryAdd(key, event, maxRecordBytes)) {
                    lanes.get(shard).add(encoder.complete());
                    encoder.tryAdd(key, event, maxRecordBytes);
                }
            }
        }
        for (int shard = 0; shard < encoders.size(); shard++) {
            if (!encoders.get(shard).isEmpty()) {
                lanes.get(shard).add(encoders.get(shard).complete());
            }
        }
        return shards;
    }

    /** Event time for generated events: each reading of the clock is one event later. */
    private static final class SteppingClock extends Clock {
        private final long startMillis;
        private final double millisPerEvent;
        private long readings;

        SteppingClock(Instant start, int eventsPerSecond) {
            this.startMillis = start.toEpochMilli();
            this.millisPerEvent = 1000.0 / eventsPerSecond;
        }

        @Override
        public long millis() {
            return startMillis + (long) (readings++ * millisPerEvent);
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a bench clock has one zone");
        }
    }
}
