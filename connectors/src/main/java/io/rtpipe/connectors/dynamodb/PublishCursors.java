package io.rtpipe.connectors.dynamodb;

import io.rtpipe.core.publish.PublishCursorPort;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The publisher's cursors as items of the {@link ResultsTable}, beside the marks they follow: per (metric, sink) the
 * item with sort key {@code ~published#<sink>} ({@code ~} sorts after every window start, so no window range reads
 * it; the marks' {@code ~fired_through#} prefix does not match it), {@code published_through} (N, epoch millis) and
 * {@code updated_at}. A store only moves the cursor forward: two workers publishing at once cannot set it back.
 */
public final class PublishCursors implements PublishCursorPort {

    static final String PREFIX = "~published#";
    static final String PUBLISHED_THROUGH = "published_through";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    public PublishCursors(DynamoDbClient dynamoDb, String table, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<Instant> load(String metric, String sink) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).key(key(metric, sink))
                .consistentRead(true)).item();
        return item == null || !item.containsKey(PUBLISHED_THROUGH) ? Optional.empty()
                : Optional.of(Instant.ofEpochMilli(Long.parseLong(item.get(PUBLISHED_THROUGH).n())));
    }

    @Override
    public void store(String metric, String sink, Instant through) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(key(metric, sink));
        item.put(PUBLISHED_THROUGH, AttributeValue.fromN(Long.toString(through.toEpochMilli())));
        item.put(ResultsTable.UPDATED_AT, AttributeValue.fromS(clock.instant().toString()));
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#p) OR #p < :p")
                    .expressionAttributeNames(Map.of("#p", PUBLISHED_THROUGH))
                    .expressionAttributeValues(Map.of(":p", item.get(PUBLISHED_THROUGH))));
        } catch (ConditionalCheckFailedException e) {
            // Another worker published at least as far: its cursor stands.
        }
    }

    /** Forgets where {@code sink} got for {@code metric}: the next round publishes every final window again. */
    public void reset(String metric, String sink) {
        dynamoDb.deleteItem(b -> b.tableName(table).key(key(metric, sink)));
    }

    private static Map<String, AttributeValue> key(String metric, String sink) {
        return Map.of(ResultsTable.METRIC, AttributeValue.fromS(metric),
                ResultsTable.SORT_KEY, AttributeValue.fromS(PREFIX + sink));
    }
}
