package io.rtpipe.connectors.dynamodb;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.result.ResultMerger;
import io.rtpipe.core.task.ProgressException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.TreeMap;

/** Reads window partials back from the {@link ResultsTable}, following spilled items to their S3 objects. */
public final class ResultsQuery {

    private final DynamoDbClient dynamoDb;
    private final S3Client s3;
    private final String table;

    /** @param s3 reads the objects of results too large for an item (only those) */
    public ResultsQuery(DynamoDbClient dynamoDb, S3Client s3, String table) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.table = Objects.requireNonNull(table, "table");
    }

    /**
     * Every shard's partial of {@code metric} for windows starting in {@code [from, to)}, in window-start order,
     * restricted to group keys that contain every entry of {@code keyFilter} (empty: all keys). Strongly consistent.
     */
    public List<WindowResult> partials(String metric, Instant from, Instant to, Map<String, String> keyFilter) {
        return items(metric, from, to)
                .map(item -> ResultsTable.fromItem(item, this::spilled))
                .filter(result -> result.key().entrySet().containsAll(keyFilter.entrySet()))
                .toList();
    }

    /**
     * For each window of {@code metric} starting in {@code [from, to)}: when its last shard partial was written (the
     * items' {@code updated_at}). Reads only the sort key and that attribute, so a live view can follow how soon
     * results become durable without fetching the values twice.
     */
    public Map<Instant, Instant> lastWrites(String metric, Instant from, Instant to) {
        var request = rangeQuery(metric, from, to).toBuilder()
                .projectionExpression("#ws, #u")
                .expressionAttributeNames(Map.of("#m", ResultsTable.METRIC, "#sk", ResultsTable.SORT_KEY,
                        "#ws", ResultsTable.WINDOW_START, "#u", ResultsTable.UPDATED_AT))
                .build();
        Map<Instant, Instant> written = new TreeMap<>();
        dynamoDb.queryPaginator(request).items().forEach(item -> written.merge(
                Instant.parse(item.get(ResultsTable.WINDOW_START).s()),
                Instant.parse(item.get(ResultsTable.UPDATED_AT).s()),
                (a, b) -> a.isAfter(b) ? a : b));
        return written;
    }

    /**
     * The final results of {@code metric} for windows starting in {@code [from, to)}: every shard's partials merged
     * with {@code engine}'s aggregates, group keys in the metric's group-by order.
     *
     * @throws IllegalArgumentException if {@code engine} does not define {@code metric}
     * @throws ProgressException if a partial was written under another definition of the metric
     */
    public List<MergedResult> merged(EngineConfig engine, String metric, Instant from, Instant to,
                                     Map<String, String> keyFilter) {
        MetricSpec spec = engine.metric(metric);
        if (spec == null) {
            throw new IllegalArgumentException("metric '" + metric + "' is not configured; known metrics: "
                    + engine.metrics().stream().map(MetricSpec::name).toList());
        }
        String fingerprint = spec.fingerprint();
        List<WindowResult> partials = items(metric, from, to)
                .peek(item -> requireFingerprint(item, metric, fingerprint))
                .map(item -> ResultsTable.fromItem(item, this::spilled))
                .filter(result -> result.key().entrySet().containsAll(keyFilter.entrySet()))
                .map(partial -> inGroupByOrder(spec, partial))
                .toList();
        return new ResultMerger(engine).merge(partials);
    }

    /** The start of {@code metric}'s first window starting in {@code [from, to)} that has a partial, if any. */
    public Optional<Instant> firstWindowStart(String metric, Instant from, Instant to) {
        if (!from.isBefore(to)) {
            return Optional.empty();
        }
        var request = rangeQuery(metric, from, to).toBuilder()
                .limit(1)
                .projectionExpression("#ws")
                .expressionAttributeNames(Map.of("#m", ResultsTable.METRIC, "#sk", ResultsTable.SORT_KEY,
                        "#ws", ResultsTable.WINDOW_START))
                .build();
        return dynamoDb.query(request).items().stream().findFirst()
                .map(item -> Instant.parse(item.get(ResultsTable.WINDOW_START).s()));
    }

    /**
     * Per shard, its stored fired-through mark for {@code metric} (strongly consistent), for a {@link Finality}
     * over the stream's shards. Read them before the results they are to judge: a mark is stored after the
     * partials it covers.
     */
    public Map<String, Long> firedThrough(String metric) {
        return ResultsTable.marks(dynamoDb.queryPaginator(ResultsTable.marksQuery(table, metric)).items());
    }

    /** The object at an item's {@code s3://bucket/key} spill location. */
    private byte[] spilled(String location) {
        int slash = location.indexOf('/', 5);
        if (!location.startsWith("s3://") || slash < 6 || slash == location.length() - 1) {
            throw new IllegalStateException("results table " + table + " has an item spilled to '" + location
                    + "', which is not an s3://bucket/key location");
        }
        String bucket = location.substring(5, slash);
        String key = location.substring(slash + 1);
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArrayUnsafe();
    }

    /** The items of {@code metric}'s windows starting in {@code [from, to)}, strongly consistent. */
    private Stream<Map<String, AttributeValue>> items(String metric, Instant from, Instant to) {
        Objects.requireNonNull(metric, "metric");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("--from must be before --to, got " + from + " and " + to);
        }
        return dynamoDb.queryPaginator(rangeQuery(metric, from, to)).items().stream();
    }

    private static void requireFingerprint(Map<String, AttributeValue> item, String metric, String fingerprint) {
        AttributeValue written = item.get(ResultsTable.FINGERPRINT);
        if (written != null && !written.s().equals(fingerprint)) {
            throw new ProgressException("results of metric " + metric + " (window starting "
                    + item.get(ResultsTable.WINDOW_START).s() + ") were written under another definition of it "
                    + "(fingerprint " + written.s() + ", this spec's " + fingerprint + "): query with the spec that "
                    + "wrote them");
        }
    }

    /** The strongly consistent query of {@code metric}'s items whose windows start in {@code [from, to)}. */
    private QueryRequest rangeQuery(String metric, Instant from, Instant to) {
        // "<from>" sorts before "<from>#…" and "<to>" before "<to>#…": BETWEEN is exactly [from, to).
        return QueryRequest.builder()
                .tableName(table)
                .consistentRead(true)
                .keyConditionExpression("#m = :m AND #sk BETWEEN :lo AND :hi")
                .expressionAttributeNames(Map.of("#m", ResultsTable.METRIC, "#sk", ResultsTable.SORT_KEY))
                .expressionAttributeValues(Map.of(
                        ":m", AttributeValue.fromS(metric),
                        ":lo", AttributeValue.fromS(ResultsTable.sortKeyBound(from)),
                        ":hi", AttributeValue.fromS(ResultsTable.sortKeyBound(to))))
                .build();
    }

    /** The table stores keys with sorted field names; results present them in the metric's group-by order. */
    private static WindowResult inGroupByOrder(MetricSpec spec, WindowResult partial) {
        Map<String, String> ordered = new LinkedHashMap<>();
        spec.groupBy().forEach(path -> {
            String field = path.toString();
            if (partial.key().containsKey(field)) {
                ordered.put(field, partial.key().get(field));
            }
        });
        ordered.putAll(partial.key());
        return new WindowResult(partial.metric(), partial.windowStart(), partial.windowEnd(), ordered,
                partial.shardId(), partial.values());
    }
}
