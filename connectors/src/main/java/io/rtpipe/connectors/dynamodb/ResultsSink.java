package io.rtpipe.connectors.dynamodb;

import io.rtpipe.connectors.s3.S3Writes;
import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.connectors.sink.SinkWriteException;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.task.ResultsPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes window partials to the {@link ResultsTable} as absolute values (whole-item puts, never {@code ADD}), so a
 * replayed write leaves the same item. Uses BatchWriteItem, 25 items per call; unprocessed items are retried with
 * backoff. An item over {@link ResultsTable#MAX_ITEM_BYTES} spills its key and values to the archive bucket first
 * (the item then points to the object), so no result is too large to store. Thread-safe (the clients are).
 */
public final class ResultsSink implements ResultsPort {

    private static final Logger LOG = LoggerFactory.getLogger(ResultsSink.class);
    /** BatchWriteItem's limit per request. */
    static final int BATCH_SIZE = 25;

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final RetryPolicy retry;
    private final Duration retention;
    /** Per metric, its definition's fingerprint, written with each of its results. */
    private final Map<String, String> fingerprints = new HashMap<>();
    private final Clock clock;
    private final S3Writes spill;

    /**
     * @param retention how long after its window's end a result may be deleted by the table's TTL (each item's
     *                  {@code expiresAt})
     * @param spill     the archive bucket, where results too large for an item go (under {@code results/})
     * @param engine    the metrics written: each item records its metric's fingerprint
     */
    public ResultsSink(DynamoDbClient dynamoDb, String table, RetryPolicy retry, Duration retention, S3Writes spill,
                       EngineConfig engine) {
        this(dynamoDb, table, retry, retention, spill, engine, Clock.systemUTC());
    }

    ResultsSink(DynamoDbClient dynamoDb, String table, RetryPolicy retry, Duration retention, S3Writes spill,
                EngineConfig engine,
                Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.spill = Objects.requireNonNull(spill, "spill");
        this.table = Objects.requireNonNull(table, "table");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.clock = Objects.requireNonNull(clock, "clock");
        engine.metrics().forEach(metric -> fingerprints.put(metric.name(), metric.fingerprint()));
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("the result retention must be positive, got " + retention);
        }
    }

    /**
     * Writes every result durably, or throws.
     *
     * @throws SinkWriteException when some items are still unwritten after the retry policy is exhausted
     */
    @Override
    public void write(List<WindowResult> results) {
        // One request may not name the same item twice; the last value for an item wins, as it would in sequence.
        Map<String, WriteRequest> bySortKey = new LinkedHashMap<>();
        var now = clock.instant();
        for (WindowResult result : results) {
            Map<String, AttributeValue> item = ResultsTable.toItem(result, now, retention,
                    fingerprints.get(result.metric()));
            if (ResultsTable.itemBytes(item) > ResultsTable.MAX_ITEM_BYTES) {
                item = spilled(result, item);
            }
            bySortKey.put(result.metric() + "\u0000" + item.get(ResultsTable.SORT_KEY).s(),
                    WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        }
        writeAll(new ArrayList<>(bySortKey.values()));
    }

    /**
     * Replaces the shard's fired-through mark of each metric (one item per metric and shard), or throws.
     *
     * @throws SinkWriteException when some marks are still unwritten after the retry policy is exhausted
     */
    @Override
    public void markFiredThrough(String shardId, Map<String, Long> firedThrough) {
        var now = clock.instant();
        List<WriteRequest> requests = new ArrayList<>();
        firedThrough.forEach((metric, through) -> requests.add(WriteRequest.builder().putRequest(PutRequest.builder()
                .item(ResultsTable.markItem(metric, shardId, through, now)).build()).build()));
        writeAll(requests);
    }

    /**
     * Replaces the shard's fired-through marks with {@code marks}, each with the times it was computed from (the
     * Lambda handler's, read back by {@link #carriedMarks} when its next window starts), or throws.
     *
     * @throws SinkWriteException when some marks are still unwritten after the retry policy is exhausted
     */
    public void storeCarriedMarks(String shardId, Map<String, CarriedMark> marks) {
        var now = clock.instant();
        List<WriteRequest> requests = new ArrayList<>();
        marks.forEach((metric, mark) -> requests.add(WriteRequest.builder().putRequest(PutRequest.builder()
                .item(ResultsTable.markItem(metric, shardId, mark, now)).build()).build()));
        writeAll(requests);
    }

    /**
     * Per metric this sink writes, the shard's stored {@link CarriedMark} (strongly consistent reads); a metric
     * whose mark is missing, or holds no times (the KCL consumer's), is absent.
     *
     * @throws SinkWriteException when a read still fails after the retry policy is exhausted
     */
    public Map<String, CarriedMark> carriedMarks(String shardId) {
        Map<String, CarriedMark> marks = new HashMap<>();
        for (String metric : fingerprints.keySet()) {
            Map<String, AttributeValue> item = readMark(metric, shardId);
            CarriedMark mark = item.isEmpty() ? null : ResultsTable.carriedMark(item);
            if (mark != null) {
                marks.put(metric, mark);
            }
        }
        return marks;
    }

    /**
     * Per shard, its stored fired-through mark for {@code metric} (one strongly consistent query): what the KCL
     * consumer starts a shard without an event time from at an idle decision.
     *
     * @throws SinkWriteException when the read still fails after the retry policy is exhausted
     */
    public Map<String, Long> firedThrough(String metric) {
        for (int attempt = 1; ; attempt++) {
            try {
                return ResultsTable.marks(dynamoDb.queryPaginator(ResultsTable.marksQuery(table, metric)).items());
            } catch (SdkException e) {
                if (!isRetryable(e) || attempt >= retry.maxAttempts() || Thread.currentThread().isInterrupted()) {
                    throw new SinkWriteException("could not read the fired-through marks of " + metric
                            + " from table " + table + " after " + attempt + " attempt(s): " + e.getMessage(), e);
                }
                LOG.warn("Query of {} failed (attempt {} of {}): {}", table, attempt, retry.maxAttempts(),
                        e.getMessage());
            }
            retry.sleepAfter(attempt);
        }
    }

    private Map<String, AttributeValue> readMark(String metric, String shardId) {
        for (int attempt = 1; ; attempt++) {
            try {
                return dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                        .key(ResultsTable.markKey(metric, shardId))).item();
            } catch (SdkException e) {
                if (!isRetryable(e) || attempt >= retry.maxAttempts() || Thread.currentThread().isInterrupted()) {
                    throw new SinkWriteException("could not read the fired-through mark of " + metric + " on shard "
                            + shardId + " from table " + table + " after " + attempt + " attempt(s): "
                            + e.getMessage(), e);
                }
                LOG.warn("GetItem from {} failed (attempt {} of {}): {}", table, attempt, retry.maxAttempts(),
                        e.getMessage());
            }
            retry.sleepAfter(attempt);
        }
    }

    /** Writes the item's key and values to S3 (retried per the policy) and returns the item that points there. */
    private Map<String, AttributeValue> spilled(WindowResult result, Map<String, AttributeValue> item) {
        String key = ResultsTable.spillObjectKey(table, result);
        byte[] body = ResultsTable.spillBody(item);
        spill.put(key, body, "application/json");
        LOG.info("result {} of {} is about {} bytes, over an item's limit: spilled to s3://{}/{}",
                item.get(ResultsTable.SORT_KEY).s(), result.metric(), ResultsTable.itemBytes(item), spill.bucket(), key);
        return ResultsTable.spilledItem(item, "s3://" + spill.bucket() + "/" + key);
    }

    private void writeAll(List<WriteRequest> requests) {
        for (int from = 0; from < requests.size(); from += BATCH_SIZE) {
            writeBatch(requests.subList(from, Math.min(from + BATCH_SIZE, requests.size())));
        }
    }

    private void writeBatch(List<WriteRequest> batch) {
        List<WriteRequest> pending = batch;
        for (int attempt = 1; ; attempt++) {
            try {
                List<WriteRequest> toWrite = pending;
                BatchWriteItemResponse response = dynamoDb.batchWriteItem(b -> b.requestItems(Map.of(table, toWrite)));
                pending = response.unprocessedItems().getOrDefault(table, List.of());
                if (pending.isEmpty()) {
                    return;
                }
                LOG.debug("{} of {} results unprocessed by DynamoDB (attempt {})", pending.size(), batch.size(), attempt);
            } catch (SdkException e) {
                if (!isRetryable(e)) {
                    throw new SinkWriteException("could not write " + pending.size() + " results to table " + table
                            + ": " + e.getMessage(), e);
                }
                LOG.warn("BatchWriteItem to {} failed (attempt {} of {}): {}", table, attempt, retry.maxAttempts(),
                        e.getMessage());
            }
            if (attempt >= retry.maxAttempts() || Thread.currentThread().isInterrupted()) {
                throw new SinkWriteException("could not write " + pending.size() + " results to table " + table
                        + " after " + attempt + " attempt(s)", null);
            }
            retry.sleepAfter(attempt);
        }
    }

    /** Validation errors (a missing table, a malformed item) repeat forever; throttling, 5xx and I/O do not. */
    private static boolean isRetryable(SdkException e) {
        if (e instanceof DynamoDbException ddb) {
            int status = ddb.statusCode();
            return status >= 500 || ddb.isThrottlingException() || status == 0;
        }
        return true;
    }
}
