package io.rtpipe.cli;

import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.connectors.dynamodb.Finality;
import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.result.MergedResultJson;
import io.rtpipe.testkit.StreamReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** {@code rtpipe query}: reads a metric's window results from DynamoDB, merging the partials of every shard. */
@Command(name = "query",
        mixinStandardHelpOptions = true,
        description = {"Reads a metric's results for a time range, merging the per-shard partials.",
                "A window is final once every shard of the stream (closed ones of a reshard included) has fired it; "
                        + "partial windows are hidden unless --partial."})
public final class QueryCommand implements Callable<Integer> {

    enum Format { table, json }

    @Spec
    CommandSpec spec;

    @Mixin
    AwsOptions aws;

    @Parameters(index = "0", paramLabel = "METRIC", description = "The metric's name.")
    String metric;

    @Option(names = "--key", paramLabel = "FIELD=VALUE",
            description = "Only group keys with this field value (repeatable).")
    Map<String, String> keyFilter = new LinkedHashMap<>();

    @Option(names = "--from", paramLabel = "TIME",
            description = "Windows starting at or after this ISO-8601 instant (default: the earliest).")
    String from;

    @Option(names = "--to", paramLabel = "TIME",
            description = "Windows starting before this ISO-8601 instant (default: the latest).")
    String to;

    @Option(names = "--format", defaultValue = "table", description = "table (default) or json (JSON lines).")
    Format format;

    @Option(names = "--stream", required = true, defaultValue = "${env:RTPIPE_STREAM_NAME}",
            description = "The Kinesis stream the results are of: its shards decide which windows are final "
                    + "(env RTPIPE_STREAM_NAME).")
    String stream;

    @Option(names = "--partial",
            description = "Also show windows some shard has not fired yet (status partial; \"final\": false in JSON).")
    boolean partial;

    @Option(names = "--metrics", paramLabel = "FILE",
            description = "The metric spec file the consumer runs (default: the built-in events_per_minute).")
    Path metricsFile;

    @Option(names = "--results-table", defaultValue = "${env:RTPIPE_RESULTS_TABLE:-rtpipe-results}",
            description = "DynamoDB results table (env RTPIPE_RESULTS_TABLE; default rtpipe-results).")
    String resultsTable;

    @Override
    public Integer call() {
        EngineConfig engine = MetricsFile.load(metricsFile);
        if (engine.metrics().stream().noneMatch(spec -> spec.name().equals(metric))) {
            throw new CliException("unknown metric '" + metric + "'; the spec defines "
                    + engine.metrics().stream().map(MetricSpec::name).toList());
        }
        List<String> keyFields = engine.metric(metric).groupBy().stream().map(FieldPath::toString).toList();
        for (String field : keyFilter.keySet()) {
            if (!keyFields.contains(field)) {
                throw new CliException("--key " + field + ": metric '" + metric + "' has no key field '" + field
                        + "'; its key fields are" + (keyFields.isEmpty() ? " none (one key for all events)"
                        : ": " + String.join(", ", keyFields)));
            }
        }
        Instant start = instant("--from", from, Instant.ofEpochMilli(MetricSpec.MIN_EVENT_TIME));
        Instant end = instant("--to", to, Instant.ofEpochMilli(MetricSpec.MAX_EVENT_TIME));
        if (!start.isBefore(end)) {
            throw new CliException("--from must be before --to, got " + start + " and " + end);
        }
        List<MergedResult> results;
        Finality finality;
        // S3 holds the results too large for a DynamoDB item (read only when an item points there).
        AwsCalls calls = new AwsCalls(aws, Set.of(AwsConfig.Service.DYNAMODB, AwsConfig.Service.S3,
                AwsConfig.Service.KINESIS));
        try (DynamoDbClient dynamoDb = calls.clients().dynamoDb(); S3Client s3 = calls.clients().s3();
             KinesisAsyncClient kinesis = calls.clients().kinesisAsync()) {
            var query = new ResultsQuery(dynamoDb, s3, resultsTable);
            // The marks before the results: a window final by them has all its partials written before they were.
            Map<String, Long> marks = calls.run(AwsConfig.Service.DYNAMODB, () -> query.firedThrough(metric));
            calls.requireStream(stream);
            List<String> shards = calls.run(AwsConfig.Service.KINESIS, () -> StreamReader.listShards(kinesis, stream))
                    .stream().map(Shard::shardId).toList();
            finality = new Finality(shards, marks);
            results = calls.run(AwsConfig.Service.DYNAMODB,
                    () -> query.merged(engine, metric, start, end, keyFilter));
        } catch (ResourceNotFoundException e) {
            throw new CliException("results table '" + resultsTable + "' does not exist");
        }
        Predicate<MergedResult> isFinal = result -> finality.isFinal(result.windowEnd());
        List<MergedResult> shown = partial ? results : results.stream().filter(isFinal).toList();
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            MergedResultJson.writeLines(shown, isFinal, out);
        } else {
            ResultsTable.print(out, metric, shown, isFinal);
            if (shown.size() < results.size()) {
                out.println("  " + (results.size() - shown.size()) + " partial window result(s) hidden: some shard "
                        + "has not fired them yet (--partial shows them)");
            }
        }
        out.flush();
        return 0;
    }

    private static Instant instant(String flag, String value, Instant otherwise) {
        if (value == null) {
            return otherwise;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new CliException(flag + " must be an ISO-8601 instant such as 2026-11-26T05:00:00Z, got '" + value + "'");
        }
    }
}
