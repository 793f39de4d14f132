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
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseRefresher;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;
import software.amazon.kinesis.leases.dynamodb.TableCreatorCallback;
import software.amazon.kinesis.metrics.NullMetricsScope;

import java.time.Duration;
import java.util.List;

/**
 * Creates KCL's lease table and the leases of the stream's shards before the Scheduler starts.
 *
 * <p>Why: a KCL 2.x Scheduler that finds an empty lease table waits a random 1–30 s before its first shard sync (so
 * that many workers starting together do not all sync), and only then creates leases and starts reading. Doing the
 * same sync up front, with KCL's own {@link HierarchicalShardSyncer} (so the leases, parent links and starting
 * checkpoints are exactly what KCL would create), lets the first record arrive within seconds. A table that already
 * has leases is left alone: KCL's periodic shard sync keeps it current.
 */
final class LeaseTablePreparer {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseTablePreparer.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private LeaseTablePreparer() {
    }

    /** @return the number of leases the table holds afterwards */
    static int prepare(KinesisAsyncClient kinesis, DynamoDbAsyncClient dynamoDb, String leaseTable, String stream,
                       InitialPositionInStreamExtended initialPosition) {
        // PITR off: the same choice the Scheduler gets (dynalite has no UpdateContinuousBackups).
        var refresher = new DynamoDBLeaseRefresher(leaseTable, dynamoDb, new DynamoDBLeaseSerializer(), true,
                TableCreatorCallback.NOOP_TABLE_CREATOR_CALLBACK, REQUEST_TIMEOUT, BillingMode.PAY_PER_REQUEST,
                false, false, List.of());
        try {
            refresher.createLeaseTableIfNotExists();
            if (!refresher.waitUntilLeaseTableExists(1, 60)) {
                throw new IllegalStateException("lease table " + leaseTable + " did not become ACTIVE within 60 s");
            }
            if (refresher.isLeaseTableEmpty()) {
                var detector = new KinesisShardDetector(kinesis, StreamIdentifier.singleStreamInstance(stream),
                        1000L, 10, 30, 1000, 250, REQUEST_TIMEOUT);
                new HierarchicalShardSyncer().checkAndCreateLeaseForNewShards(detector, refresher, initialPosition,
                        new NullMetricsScope(), false, true);
            }
            int leases = refresher.listLeases().size();
            LOG.info("Lease table {} ready with {} lease(s) for stream {}", leaseTable, leases, stream);
            return leases;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing lease table " + leaseTable, e);
        } catch (Exception e) {
            throw new IllegalStateException("could not prepare lease table " + leaseTable + " for stream " + stream
                    + ": " + e.getMessage(), e);
        }
    }
}
