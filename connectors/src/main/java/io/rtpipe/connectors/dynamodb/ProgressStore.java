package io.rtpipe.connectors.dynamodb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.contract.Tables;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.task.ProgressPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Stores each shard's {@link ShardProgress} next to the checkpoint it belongs to, as immutable facts "the engine
 * state at checkpoint X". A worker saves progress, then checkpoints; it can die in between, so a restarting worker
 * loads the entry whose checkpoint equals the one KCL hands it, and at least the previous entry is kept.
 *
 * <p>Table layout: partition key {@code shard} (S) = {@code <application>|<stream>|<shardId>}, sort key
 * {@code checkpoint} (S) = the position as {@code <sequence>} or {@code <sequence>/<subSequence>}; attributes
 * {@code sequence_number} (S), {@code sub_sequence_number} (N), {@code progress} (S, JSON), {@code saved_at} (S).
 */
public final class ProgressStore implements ProgressPort {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressStore.class);
    /** Key attributes as the CDK app declares the table ({@link Tables#PROGRESS}). */
    static final String SHARD = Tables.PROGRESS.partitionKey();
    static final String CHECKPOINT = Tables.PROGRESS.sortKey();
    private static final String SEQUENCE = "sequence_number";
    private static final String SUB_SEQUENCE = "sub_sequence_number";
    private static final String PROGRESS = "progress";
    private static final String SAVED_AT = "saved_at";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String application;
    private final String stream;
    private final Clock clock;

    public ProgressStore(DynamoDbClient dynamoDb, String table, String application, String stream) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
        this.application = Objects.requireNonNull(application, "application");
        this.stream = Objects.requireNonNull(stream, "stream");
        this.clock = Clock.systemUTC();
    }

    /**
     * Creates the table (PAY_PER_REQUEST) unless it exists; returns when it is ACTIVE.
     *
     * @throws KeySchemaMismatchException if it exists keyed otherwise than {@link Tables#PROGRESS}
     */
    public static void createTableIfMissing(DynamoDbClient dynamoDb, String tableName) {
        TableProvisioner.createIfMissing(dynamoDb, tableName, Tables.PROGRESS);
    }

    /** Stores {@code progress} under its own checkpoint, which must be a record position (not the shard start). */
    @Override
    public void save(String shardId, ShardProgress progress) {
        RecordPosition checkpoint = progress.checkpoint();
        if (checkpoint == null) {
            throw new IllegalArgumentException("progress without a checkpoint position needs no saving");
        }
        dynamoDb.putItem(b -> b.tableName(table).item(Map.of(
                SHARD, AttributeValue.fromS(partitionKey(shardId)),
                CHECKPOINT, AttributeValue.fromS(checkpoint.toString()),
                SEQUENCE, AttributeValue.fromS(checkpoint.sequenceNumber()),
                SUB_SEQUENCE, AttributeValue.fromN(Long.toString(checkpoint.subSequenceNumber())),
                PROGRESS, AttributeValue.fromS(toJson(progress)),
                SAVED_AT, AttributeValue.fromS(clock.instant().toString()))));
    }

    /** The progress stored for exactly {@code checkpoint}, if any (strongly consistent read). */
    @Override
    public Optional<ShardProgress> load(String shardId, RecordPosition checkpoint) {
        var item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                SHARD, AttributeValue.fromS(partitionKey(shardId)),
                CHECKPOINT, AttributeValue.fromS(checkpoint.toString())))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(fromJson(item.get(PROGRESS).s()));
    }

    /** Every checkpoint with stored progress for the shard, oldest first. */
    public List<RecordPosition> checkpoints(String shardId) {
        return dynamoDb.queryPaginator(b -> b.tableName(table).consistentRead(true)
                        .keyConditionExpression("#s = :s")
                        .expressionAttributeNames(Map.of("#s", SHARD))
                        .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(partitionKey(shardId)))))
                .items().stream()
                .map(item -> new RecordPosition(item.get(SEQUENCE).s(), Long.parseLong(item.get(SUB_SEQUENCE).n())))
                .sorted(Comparator.naturalOrder())
                .toList();
    }

    /**
     * Deletes the entries of checkpoints before {@code keepFrom} (call with the previous checkpoint after a new one
     * succeeded, so the newest two entries survive).
     */
    @Override
    public void deleteBefore(String shardId, RecordPosition keepFrom) {
        for (RecordPosition old : checkpoints(shardId)) {
            if (old.compareTo(keepFrom) >= 0) {
                break;
            }
            dynamoDb.deleteItem(b -> b.tableName(table).key(Map.of(
                    SHARD, AttributeValue.fromS(partitionKey(shardId)),
                    CHECKPOINT, AttributeValue.fromS(old.toString()))));
            LOG.debug("Deleted progress of {} at {}", shardId, old);
        }
    }

    private String partitionKey(String shardId) {
        return application + "|" + stream + "|" + shardId;
    }

    static String toJson(ShardProgress progress) {
        try {
            return JSON.writeValueAsString(progress);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize shard progress " + progress, e);
        }
    }

    static ShardProgress fromJson(String json) {
        try {
            return JSON.readValue(json, ShardProgress.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored shard progress is not readable: " + json, e);
        }
    }
}
