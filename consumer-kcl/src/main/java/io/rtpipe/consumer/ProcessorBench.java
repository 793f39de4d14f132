package io.rtpipe.consumer;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.dynamodb.ProgressStore;
import io.rtpipe.connectors.dynamodb.ResultsSink;
import io.rtpipe.connectors.dynamodb.ResultsTable;
import io.rtpipe.core.task.TaskPorts;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The consumer's own cost, without Kinesis: pre-built Kinesis records are handed, page by page, to the processor a
 * KCL worker runs ({@link AnalyticsRecordProcessor}, one thread per shard as KCL's shard consumers), after KCL's own
 * de-aggregation ({@link AggregatorUtil}, what KCL's retrieval does with each GetRecords page). Measured: that
 * de-aggregation, the processor, {@code ShardTask}, the engine and the real sinks (results and progress to DynamoDB,
 * intervals to S3, wherever {@code clients} point), as the CPU time of this whole JVM (every thread: SDK clients,
 * GC, JIT) over the run. Not measured: GetRecords calls and their parsing, KCL's scheduler and lease renewals, and the
 * lease-table write of each KCL checkpoint (the checkpointer here only records where it was asked to checkpoint).
 */
public final class ProcessorBench {

    /**
     * @param events            user records processed
     * @param seconds           wall time from the first page to the last shard's end
     * @param processCpuSeconds CPU time of this JVM over that time
     * @param shardCpuSeconds   of which the shard threads' own (de-aggregation, processor, engine, the calling side of
     *                          the sinks); the rest is the SDK clients' threads, GC and JIT
     * @param windowsWritten    window results written
     * @param checkpoints       checkpoints taken (SHARD_END included)
     */
    public record Result(long events, double seconds, double processCpuSeconds, double shardCpuSeconds,
                         long windowsWritten, long checkpoints) {
        public double cpuSecondsPerMillion() {
            return processCpuSeconds / events * 1e6;
        }

        public double eventsPerSecond() {
            return events / seconds;
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ProcessorBench() {
    }

    /**
     * Runs every shard's records to its end (each shard fires and writes all its windows and checkpoints SHARD_END).
     *
     * @param shards          per shard id, the data of its Kinesis records in stream order (KPL-format aggregates
     *                        or single events)
     * @param recordsPerPage  Kinesis records per processRecords call, as {@code maxRecordsPerCall} pages them
     */
    public static Result run(ConsumerConfig config, AwsClients clients, Map<String, List<byte[]>> shards,
                             int recordsPerPage) throws Exception {
        try (S3Client s3 = clients.s3(); DynamoDbClient dynamoDb = clients.dynamoDb()) {
            ResultsTable.createIfMissing(dynamoDb, config.resultsTableName());
            ProgressStore.createTableIfMissing(dynamoDb, config.progressTableName());
            ResultsSink results = KclConsumer.results(config, s3, dynamoDb);
            TaskPorts ports = KclConsumer.ports(config, s3, dynamoDb, results);
            ConsumerStats stats = new ConsumerStats(Clock.systemUTC());
            AtomicLong checkpoints = new AtomicLong();
            AtomicLong shardCpuNanos = new AtomicLong();
            ExecutorService threads = Executors.newFixedThreadPool(shards.size());
            try {
                long cpuBefore = processCpuNanos();
                long started = System.nanoTime();
                List<Future<?>> running = new ArrayList<>();
                for (var shard : shards.entrySet()) {
                    running.add(threads.submit(() -> {
                        long cpu = THREADS.getCurrentThreadCpuTime();
                        runShard(config, ports, results, stats, shard.getKey(), shard.getValue(), recordsPerPage,
                                checkpointer(checkpoints));
                        shardCpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu);
                        return null;
                    }));
                }
                for (Future<?> shard : running) {
                    shard.get();
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                double cpu = (processCpuNanos() - cpuBefore) / 1e9;
                ConsumerStats.Snapshot done = stats.snapshot();
                if (done.stalledShards() > 0 || done.writeFailures() > 0) {
                    throw new IllegalStateException(done.stalledShards() + " shard(s) stalled and "
                            + done.writeFailures() + " write(s) failed; the figures would not be the consumer's");
                }
                return new Result(done.recordsConsumed(), seconds, cpu, shardCpuNanos.get() / 1e9,
                        done.windowsWritten(), checkpoints.get());
            } finally {
                threads.shutdownNow();
            }
        }
    }

    private static void runShard(ConsumerConfig config, TaskPorts ports, ResultsSink results, ConsumerStats stats,
                                 String shardId, List<byte[]> records, int recordsPerPage, RecordProcessorCheckpointer checkpointer) {
        var processor = new AnalyticsRecordProcessor(config.engine(), config.workerId(), ports, stats,
                config.checkpointInterval(), config.idleWatermarkAfter(), () -> false, refused -> {
                    throw new IllegalStateException(refused.getMessage(), refused);
                }, Clock.systemUTC(), results::firedThrough);
        processor.initialize(InitializationInput.builder().shardId(shardId)
                .extendedSequenceNumber(ExtendedSequenceNumber.TRIM_HORIZON).build());
        AggregatorUtil aggregation = new AggregatorUtil();
        Instant arrival = Instant.now();
        for (int from = 0; from < records.size(); from += recordsPerPage) {
            List<KinesisClientRecord> page = new ArrayList<>(recordsPerPage);
            for (int i = from; i < Math.min(records.size(), from + recordsPerPage); i++) {
                page.add(KinesisClientRecord.builder()
                        .sequenceNumber(sequenceNumber(i))
                        .partitionKey("bench")
                        .approximateArrivalTimestamp(arrival)
                        .data(ByteBuffer.wrap(records.get(i)))
                        .build());
            }
            processor.processRecords(ProcessRecordsInput.builder()
                    .records(aggregation.deaggregate(page))
                    .millisBehindLatest(0L)
                    .checkpointer(checkpointer)
                    .build());
        }
        processor.shardEnded(ShardEndedInput.builder().checkpointer(checkpointer).build());
    }

    /** Increasing, fixed-width decimal sequence numbers as Kinesis writes them (56 digits). */
    private static String sequenceNumber(int index) {
        return String.format("49%054d", index + 1L);
    }

    /** Records that a checkpoint was asked for; the lease-table write it stands for is not part of the bench. */
    private static RecordProcessorCheckpointer checkpointer(AtomicLong checkpoints) {
        return (RecordProcessorCheckpointer) Proxy.newProxyInstance(ProcessorBench.class.getClassLoader(),
                new Class<?>[] {RecordProcessorCheckpointer.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "equals" -> proxy == args[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "bench checkpointer";
                        };
                    }
                    if (method.getName().equals("checkpoint")) {
                        checkpoints.incrementAndGet();
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName() + " is not used by the processor");
                });
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
