package io.rtpipe.connectors.dynamodb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.contract.Tables;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.task.FencedException;
import io.rtpipe.core.task.OwnershipPort;
import io.rtpipe.core.task.ProgressException;
import io.rtpipe.core.task.ProgressPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
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
 * {@code sequence_number} (S), {@code sub_sequence_number} (N), {@code progress} (S, JSON), {@code epoch} (N: the
 * owner epoch it was written under), {@code saved_at} (S).
 *
 * <p>A shard not checkpointed yet stores its idle-watermark decisions under sort key {@code start} (no sequence
 * attributes); it is deleted with the entries before a checkpoint once the shard has checkpointed.
 *
 * <p>The shard's owner item shares the partition, under sort key {@code owner}: {@code epoch} (N), {@code owner}
 * (S, the worker id), {@code claimed_at} (S). A claim raises the epoch by a conditional put (on the epoch read), so
 * two claims never get the same epoch; a progress put is conditional on no newer epoch's entry being there, and
 * {@link #requireOwner} is a strongly consistent read of the owner item.
 *
 * <p>The application's metric definitions: partition {@code <application>|<stream>|#}, sort key
 * {@code definitions}; {@code definitions} (S, JSON: metric to its {@code MetricSpec.definition()}), {@code version}
 * (N, for conditional updates). See {@link #requireDefinitions}.
 */
public final class ProgressStore implements ProgressPort, OwnershipPort {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressStore.class);
    /** Key attributes as the CDK app declares the table ({@link Tables#PROGRESS}). */
    static final String SHARD = Tables.PROGRESS.partitionKey();
    static final String CHECKPOINT = Tables.PROGRESS.sortKey();
    private static final String SEQUENCE = "sequence_number";
    private static final String SUB_SEQUENCE = "sub_sequence_number";
    private static final String PROGRESS = "progress";
    private static final String SAVED_AT = "saved_at";
    private static final String EPOCH = "epoch";
    /** The sort key of the shard's owner item (no checkpoint position is written with letters). */
    static final String OWNER_ITEM = "owner";
    /** The sort key of the shard's start entry: idle decisions taken before its first checkpoint. */
    static final String START_ITEM = "start";
    private static final String OWNER = "owner";
    private static final String CLAIMED_AT = "claimed_at";
    private static final int CLAIM_ATTEMPTS = 10;
    /** The application's metric definitions: one item per application and stream (no shard id has a '#'). */
    private static final String DEFINITIONS_ITEM = "definitions";
    private static final String DEFINITIONS = "definitions";
    private static final String VERSION = "version";
    private static final TypeReference<Map<String, Map<String, String>>> DEFINITIONS_JSON = new TypeReference<>() {
    };
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

    /**
     * Stores {@code progress} under its own checkpoint (the shard start: the start entry), unless
     * an owner of a newer epoch stored that checkpoint's entry.
     *
     * @throws FencedException if one did
     */
    @Override
    public void save(String shardId, ShardProgress progress, long epoch) {
        RecordPosition checkpoint = progress.checkpoint();
        Map<String, AttributeValue> item = new HashMap<>(Map.of(
                SHARD, AttributeValue.fromS(partitionKey(shardId)),
                CHECKPOINT, AttributeValue.fromS(sortKey(checkpoint)),
                PROGRESS, AttributeValue.fromS(toJson(progress)),
                EPOCH, AttributeValue.fromN(Long.toString(epoch)),
                SAVED_AT, AttributeValue.fromS(clock.instant().toString())));
        if (checkpoint != null) {
            item.put(SEQUENCE, AttributeValue.fromS(checkpoint.sequenceNumber()));
            item.put(SUB_SEQUENCE, AttributeValue.fromN(Long.toString(checkpoint.subSequenceNumber())));
        }
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#e) OR #e <= :e")
                    .expressionAttributeNames(Map.of("#e", EPOCH))
                    .expressionAttributeValues(Map.of(":e", AttributeValue.fromN(Long.toString(epoch)))));
        } catch (ConditionalCheckFailedException e) {
            throw new FencedException("shard " + shardId + " has progress at " + sortKey(checkpoint)
                    + " stored by a newer owner "
                    + "than epoch " + epoch + ": this worker lost the shard");
        }
    }

    /**
     * Checks that every metric of {@code config} is defined as the application's workers defined it so far (on any
     * shard, in any earlier run) and records the metrics new to it, so two workers of one application cannot run
     * different definitions of a metric into one table. Metrics missing from {@code config} stay recorded (renamed
     * or removed metrics are other metrics).
     *
     * @throws ProgressException naming the first metric defined otherwise and what differs
     */
    public void requireDefinitions(EngineConfig config) {
        Map<String, AttributeValue> key = Map.of(SHARD, AttributeValue.fromS(application + "|" + stream + "|#"),
                CHECKPOINT, AttributeValue.fromS(DEFINITIONS_ITEM));
        for (int attempt = 1; ; attempt++) {
            var item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true).key(key)).item();
            boolean exists = item != null && !item.isEmpty();
            Map<String, Map<String, String>> stored = exists ? parseDefinitions(item.get(DEFINITIONS).s()) : Map.of();
            ProgressException.requireSameDefinitions(config, stored, "application " + application
                    + " recorded it");
            Map<String, Map<String, String>> merged = new java.util.TreeMap<>(stored);
            config.metrics().forEach(metric -> merged.put(metric.name(), metric.definition()));
            if (merged.equals(stored)) {
                return;
            }
            long version = exists ? Long.parseLong(item.get(VERSION).n()) : 0;
            Map<String, AttributeValue> updated = new HashMap<>(key);
            updated.put(DEFINITIONS, AttributeValue.fromS(writeJson(merged)));
            updated.put(VERSION, AttributeValue.fromN(Long.toString(version + 1)));
            try {
                dynamoDb.putItem(b -> b.tableName(table).item(updated)
                        .conditionExpression(exists ? "#v = :v" : "attribute_not_exists(#v)")
                        .expressionAttributeNames(Map.of("#v", VERSION))
                        .expressionAttributeValues(exists
                                ? Map.of(":v", AttributeValue.fromN(Long.toString(version))) : null));
                return;
            } catch (ConditionalCheckFailedException e) {
                if (attempt >= CLAIM_ATTEMPTS) {
                    throw new IllegalStateException("could not record the metric definitions of application "
                            + application + ": " + CLAIM_ATTEMPTS + " other updates came in between", e);
                }
            }
        }
    }

    private static Map<String, Map<String, String>> parseDefinitions(String json) {
        try {
            return JSON.readValue(json, DEFINITIONS_JSON);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored metric definitions are not readable: " + json, e);
        }
    }

    private static String writeJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value, e);
        }
    }

    /** Makes {@code owner} the shard's owner under the current epoch + 1 (1 for a shard never claimed). */
    @Override
    public long claim(String shardId, String owner) {
        for (int attempt = 1; ; attempt++) {
            Map<String, AttributeValue> current = ownerItem(shardId);
            long epoch = current == null ? 0 : Long.parseLong(current.get(EPOCH).n());
            try {
                dynamoDb.putItem(b -> b.tableName(table).item(Map.of(
                                SHARD, AttributeValue.fromS(partitionKey(shardId)),
                                CHECKPOINT, AttributeValue.fromS(OWNER_ITEM),
                                EPOCH, AttributeValue.fromN(Long.toString(epoch + 1)),
                                OWNER, AttributeValue.fromS(owner),
                                CLAIMED_AT, AttributeValue.fromS(clock.instant().toString())))
                        .conditionExpression(current == null ? "attribute_not_exists(#e)" : "#e = :e")
                        .expressionAttributeNames(Map.of("#e", EPOCH))
                        .expressionAttributeValues(current == null ? null
                                : Map.of(":e", AttributeValue.fromN(Long.toString(epoch)))));
                LOG.info("Worker {} owns shard {} under epoch {}", owner, shardId, epoch + 1);
                return epoch + 1;
            } catch (ConditionalCheckFailedException e) {
                if (attempt >= CLAIM_ATTEMPTS) {
                    throw new IllegalStateException("could not claim shard " + shardId + ": " + CLAIM_ATTEMPTS
                            + " other claims came in between", e);
                }
            }
        }
    }

    @Override
    public void requireOwner(String shardId, long epoch) {
        Map<String, AttributeValue> current = ownerItem(shardId);
        if (current == null || Long.parseLong(current.get(EPOCH).n()) != epoch) {
            throw new FencedException("shard " + shardId + " is owned by " + (current == null ? "nobody"
                    : "epoch " + current.get(EPOCH).n() + " (" + current.get(OWNER).s() + ")") + ", not by epoch "
                    + epoch + ": this worker lost the shard");
        }
    }

    private Map<String, AttributeValue> ownerItem(String shardId) {
        var item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                SHARD, AttributeValue.fromS(partitionKey(shardId)),
                CHECKPOINT, AttributeValue.fromS(OWNER_ITEM)))).item();
        return item == null || item.isEmpty() ? null : item;
    }

    /** The progress stored for exactly {@code checkpoint}, if any (strongly consistent read). */
    @Override
    public Optional<ShardProgress> load(String shardId, RecordPosition checkpoint) {
        var item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                SHARD, AttributeValue.fromS(partitionKey(shardId)),
                CHECKPOINT, AttributeValue.fromS(sortKey(checkpoint))))).item();
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
                .filter(item -> item.containsKey(SEQUENCE)) // not the owner item
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
        dynamoDb.deleteItem(b -> b.tableName(table).key(Map.of(
                SHARD, AttributeValue.fromS(partitionKey(shardId)),
                CHECKPOINT, AttributeValue.fromS(START_ITEM))));
    }

    private static String sortKey(RecordPosition checkpoint) {
        return checkpoint == null ? START_ITEM : checkpoint.toString();
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
