package io.rtpipe.consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.common.StreamIdentifier;
import software.amazon.kinesis.leases.HierarchicalShardSyncer;
import software.amazon.kinesis.leases.KinesisShardDetector;
import software.amazon.kinesis.leases.Lease;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseRefresher;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;
import software.amazon.kinesis.leases.dynamodb.TableCreatorCallback;
import software.amazon.kinesis.metrics.NullMetricsScope;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * KCL's lease table, read and prepared through KCL's own classes (so the schema and lease format are exactly KCL's).
 *
 * <p>{@link #prepare} exists because a KCL 2.x Scheduler that finds an empty lease table waits a random 1–30 s
 * before its first shard sync (so that many workers starting together do not all sync), and only then creates
 * leases and starts reading. Running the same sync up front, with KCL's {@link HierarchicalShardSyncer} (the leases,
 * parent links and starting checkpoints KCL itself would create), lets the first record arrive within seconds.
 */
final class LeaseTable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseTable.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final DynamoDBLeaseRefresher refresher;

    LeaseTable(DynamoDbAsyncClient dynamoDb, String name) {
        this.name = name;
        // PITR off: the same choice the Scheduler gets (dynalite has no UpdateContinuousBackups).
        this.refresher = new DynamoDBLeaseRefresher(name, dynamoDb, new DynamoDBLeaseSerializer(), true,
                TableCreatorCallback.NOOP_TABLE_CREATOR_CALLBACK, REQUEST_TIMEOUT, BillingMode.PAY_PER_REQUEST,
                false, false, List.of());
    }

    /**
     * Creates the table (PAY_PER_REQUEST) if missing and, if it holds no lease yet, the leases of the stream's shards
     * at {@code initialPosition}. A table that already has leases is left alone: KCL's periodic shard sync keeps it
     * current.
     *
     * @return the number of leases the table holds afterwards
     */
    int prepare(KinesisAsyncClient kinesis, String stream, InitialPositionInStreamExtended initialPosition) {
        try {
            refresher.createLeaseTableIfNotExists();
            if (!refresher.waitUntilLeaseTableExists(1, 60)) {
                throw new IllegalStateException("lease table " + name + " did not become ACTIVE within 60 s");
            }
            if (refresher.isLeaseTableEmpty()) {
                var detector = new KinesisShardDetector(kinesis, StreamIdentifier.singleStreamInstance(stream),
                        1000L, 10, 30, 1000, 250, REQUEST_TIMEOUT);
                new HierarchicalShardSyncer().checkAndCreateLeaseForNewShards(detector, refresher, initialPosition,
                        new NullMetricsScope(), false, true);
            }
            int leases = refresher.listLeases().size();
            LOG.info("Lease table {} ready with {} lease(s) for stream {}", name, leases, stream);
            return leases;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing lease table " + name, e);
        } catch (Exception e) {
            throw new IllegalStateException("could not prepare lease table " + name + " for stream " + stream + ": "
                    + e.getMessage(), e);
        }
    }

    /** Shards whose lease has not reached SHARD_END: the ones someone still has to read. */
    Set<String> unfinishedShardIds() {
        try {
            return refresher.listLeases().stream()
                    .filter(lease -> !ExtendedSequenceNumber.SHARD_END.equals(lease.checkpoint()))
                    .map(Lease::leaseKey)
                    .collect(Collectors.toUnmodifiableSet());
        } catch (Exception e) {
            throw new IllegalStateException("could not list the leases of table " + name + ": " + e.getMessage(), e);
        }
    }
}
