package io.rtpipe.cli.console;

import io.rtpipe.connectors.dynamodb.ProgressStore;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.record.RecordPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.kinesis.leases.Lease;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * The stream side of the console: its shards (ListShards), KCL's leases (the lease table, read with KCL's own
 * serializer), the stored shard progress, and two figures Kinesis gives cheaply per shard:
 * <ul>
 *   <li>records in: the console follows every open shard from LATEST (from TRIM_HORIZON for shards born after it
 *       started) with one GetRecords call per shard and refresh, and counts user records (KPL aggregates unpacked);</li>
 *   <li>lag: the age of the first record after the lease's checkpoint (one GetShardIterator and a GetRecords of one
 *       record, asked again only when the checkpoint moved or no record followed it). rtpipe checkpoints just before the oldest open window, so this includes the windows still open.</li>
 * </ul>
 * Not thread-safe: one sampler thread calls {@link #sample}.
 */
final class StreamWatch {

    /** GetRecords calls per shard and sample while the shard has more: a fast shard is followed, not starved. */
    private static final int MAX_READS_PER_SAMPLE = 5;
    private static final Logger LOG = LoggerFactory.getLogger(StreamWatch.class);

    private final ConsoleConfig config;
    private final KinesisAsyncClient kinesis;
    private final DynamoDbClient dynamoDb;
    private final ProgressStore progress;
    private final DynamoDBLeaseSerializer leases = new DynamoDBLeaseSerializer();
    private final AggregatorUtil aggregates = new AggregatorUtil();
    private final Map<String, String> iterators = new HashMap<>();
    private final Map<String, RateWindow> inRates = new HashMap<>();
    private final Set<String> followed = new HashSet<>();
    private final Map<String, OldestPending> oldestPending = new HashMap<>();
    private final RateWindow streamIn;
    private final long startedMillis;
    private boolean firstSample = true;

    /** The arrival time of the first record after a shard's checkpoint. */
    private record OldestPending(String checkpoint, long arrivalMillis) {}

    StreamWatch(ConsoleConfig config, KinesisAsyncClient kinesis, DynamoDbClient dynamoDb, long startedMillis) {
        this.config = config;
        this.kinesis = kinesis;
        this.dynamoDb = dynamoDb;
        this.progress = new ProgressStore(dynamoDb, config.progressTable(), config.application(), config.stream());
        this.startedMillis = startedMillis;
        this.streamIn = new RateWindow(ConsoleConfig.RATE_SPAN, startedMillis);
    }

    /** Reads what arrived since the last sample and every shard's state. */
    List<ShardView> sample(long nowMillis) {
        List<Shard> shards = shards();
        Map<String, Lease> leaseByShard = leases();
        List<ShardView> views = new ArrayList<>();
        for (Shard shard : shards) {
            String id = shard.shardId();
            boolean open = shard.sequenceNumberRange().endingSequenceNumber() == null;
            if (followed.add(id)) {
                // Shards present at start are followed from now on; later ones (a reshard's children) from their start.
                String iterator = iterator(id, firstSample ? ShardIteratorType.LATEST : ShardIteratorType.TRIM_HORIZON,
                        null);
                iterators.put(id, iterator);
                inRates.put(id, new RateWindow(ConsoleConfig.RATE_SPAN, startedMillis));
            }
            follow(id, nowMillis);
            Lease lease = leaseByShard.get(id);
            String checkpoint = lease == null || lease.checkpoint() == null ? null : lease.checkpoint().sequenceNumber();
            views.add(new ShardView(id, open, lease == null ? null : lease.leaseOwner(), checkpoint,
                    lagOrUnknown(id, checkpoint, nowMillis), firedUpTo(id), inRates.get(id).perSecond(nowMillis)));
        }
        firstSample = false;
        return views;
    }

    double inPerSecond(long nowMillis) {
        return streamIn.perSecond(nowMillis);
    }

    private List<Shard> shards() {
        List<Shard> shards = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            ListShardsResponse page = join(next == null
                    ? kinesis.listShards(b -> b.streamName(config.stream()))
                    : kinesis.listShards(b -> b.nextToken(next)));
            shards.addAll(page.shards());
            token = page.nextToken();
        } while (token != null);
        return shards;
    }

    private Map<String, Lease> leases() {
        Map<String, Lease> byShard = new HashMap<>();
        try {
            dynamoDb.scanPaginator(b -> b.tableName(config.leaseTable()).consistentRead(true)).items()
                    .forEach(item -> {
                        Lease lease = leases.fromDynamoRecord(item);
                        byShard.put(lease.leaseKey(), lease);
                    });
        } catch (ResourceNotFoundException e) {
            // No consumer has started yet: no leases.
        }
        return byShard;
    }

    private void follow(String shardId, long nowMillis) {
        String iterator = iterators.get(shardId);
        for (int read = 0; iterator != null && read < MAX_READS_PER_SAMPLE; read++) {
            GetRecordsResponse page;
            try {
                String current = iterator;
                page = join(kinesis.getRecords(b -> b.shardIterator(current).limit(10_000)));
            } catch (ExpiredIteratorException e) {
                iterator = iterator(shardId, ShardIteratorType.LATEST, null);
                continue;
            }
            long count = aggregates.deaggregate(page.records().stream().map(KinesisClientRecord::fromRecord).toList())
                    .size();
            inRates.get(shardId).add(nowMillis, count);
            streamIn.add(nowMillis, count);
            iterator = page.nextShardIterator();
            if (page.records().isEmpty() || page.millisBehindLatest() == null || page.millisBehindLatest() == 0) {
                break;
            }
        }
        iterators.put(shardId, iterator);
    }

    /** One shard's lag failing to read (a timeout, an iterator refused) leaves it unknown, not the whole sample. */
    private Long lagOrUnknown(String shardId, String checkpoint, long nowMillis) {
        try {
            return lag(shardId, checkpoint, nowMillis);
        } catch (SdkException e) {
            LOG.debug("Console: lag of {} unknown", shardId, e);
            return null;
        }
    }

    private Long lag(String shardId, String checkpoint, long nowMillis) {
        if (checkpoint == null) {
            return null;
        }
        // While the checkpoint stays, so does the first record after it: its arrival is asked for once.
        OldestPending pending = oldestPending.get(shardId);
        if (pending != null && pending.checkpoint().equals(checkpoint)) {
            return Math.max(0, nowMillis - pending.arrivalMillis());
        }
        String iterator = switch (checkpoint) {
            case "SHARD_END", "LATEST" -> null;
            case "TRIM_HORIZON" -> iterator(shardId, ShardIteratorType.TRIM_HORIZON, null);
            case "AT_TIMESTAMP" -> "";
            default -> iterator(shardId, ShardIteratorType.AFTER_SEQUENCE_NUMBER, checkpoint);
        };
        if (iterator == null) {
            return 0L;
        }
        if (iterator.isEmpty()) {
            return null;
        }
        GetRecordsResponse page = join(kinesis.getRecords(b -> b.shardIterator(iterator).limit(1)));
        if (!page.records().isEmpty()) {
            long arrival = page.records().get(0).approximateArrivalTimestamp().toEpochMilli();
            oldestPending.put(shardId, new OldestPending(checkpoint, arrival));
            return Math.max(0, nowMillis - arrival);
        }
        return page.millisBehindLatest() == null ? 0L : page.millisBehindLatest();
    }

    private String firedUpTo(String shardId) {
        Optional<ShardProgress> latest;
        try {
            List<RecordPosition> checkpoints = progress.checkpoints(shardId);
            latest = checkpoints.isEmpty() ? Optional.empty()
                    : progress.load(shardId, checkpoints.get(checkpoints.size() - 1));
        } catch (ResourceNotFoundException e) {
            return null;
        }
        return latest.flatMap(p -> earliestFired(config.engine(), p)).map(Instant::toString).orElse(null);
    }

    /** A metric's windows ending at or before (highest event time when they fired − allowed lateness) are written. */
    private static Optional<Instant> earliestFired(EngineConfig engine, ShardProgress progress) {
        return engine.metrics().stream()
                .filter(spec -> progress.maxTimeFired().containsKey(spec.name()))
                .map(spec -> Instant.ofEpochMilli(progress.maxTimeFired().get(spec.name()))
                        .minus(spec.allowedLateness()))
                .min(Instant::compareTo);
    }

    private String iterator(String shardId, ShardIteratorType type, String sequenceNumber) {
        return join(kinesis.getShardIterator(b -> b.streamName(config.stream()).shardId(shardId)
                .shardIteratorType(type).startingSequenceNumber(sequenceNumber))).shardIterator();
    }

    /** The SDK's own exception, not the future's wrapper, so callers can catch what AWS said. */
    private static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
