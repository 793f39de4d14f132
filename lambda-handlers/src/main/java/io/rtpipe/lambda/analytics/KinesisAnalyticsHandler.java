package io.rtpipe.lambda.analytics;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisTimeWindowEvent;
import com.amazonaws.services.lambda.runtime.events.TimeWindowEventResponse;
import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.connectors.dynamodb.ResultsSink;
import io.rtpipe.connectors.s3.S3Writes;
import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.contract.AnalyticsLambdaSettings;
import io.rtpipe.connectors.sink.SinkWriteException;
import io.rtpipe.connectors.spec.MetricSpecs;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.record.InputRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Lambda entry point of the Kinesis analytics pipeline: the same {@code ShardEngine} and metrics as the KCL consumer,
 * driven by the event source mapping's tumbling windows (one invocation = one shard's batch).
 *
 * <p>Per invocation: unpack KPL-aggregated records ({@link UserRecords}); run the batch through core's
 * {@code ShardTask} resumed from the carried {@link WindowState} ({@link BatchFolder}; at a window's first
 * invocation, from the highest event times of the shard's stored marks), which writes the batch's raw archive, dead
 * letters and late records to S3 (keyed by its first record) before the fired partials are folded into the state;
 * return the new state. On the window's final invocation (also when Lambda terminated the window early, or when the
 * mapping has no tumbling window at all and so every batch is its own window) write the state's partials to the
 * results table, named {@code <shardId>@<first record of the window>}, then the shard's fired-through marks, and
 * return an empty state.
 *
 * <p>Failures: a record that cannot be decoded is a dead letter, not a failure. When a sink write still fails after
 * its retries the whole batch is reported as a batch item failure at its first record and the <em>incoming</em> state
 * is returned, so Lambda retries the same records from the same state, which rewrites the same S3 keys and results
 * items. A final invocation without records that cannot write its results throws: Lambda retries it and holds the
 * shard until it succeeds. A state over the size limit throws {@link StateTooLargeException}.
 */
public final class KinesisAnalyticsHandler implements RequestHandler<KinesisTimeWindowEvent, TimeWindowEventResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisAnalyticsHandler.class);

    private final BatchFolder folder;
    private final StateCodec codec;
    private final String fixedStream;
    private final AnalyticsOutputs outputs;

    /** Used by the Lambda runtime: settings from the environment, clients built once per container. */
    public KinesisAnalyticsHandler() {
        this(AnalyticsSettings.fromEnvironment(System.getenv()));
    }

    /**
     * The handler the runtime builds from the environment {@code env}, except that its AWS clients are
     * {@code clients}: the deployment test passes a function's environment as its template declares it, with clients
     * of emulators that have one endpoint per service (which {@code AWS_ENDPOINT_URL} cannot express).
     */
    public static KinesisAnalyticsHandler fromEnvironment(Map<String, String> env, AwsClients clients) {
        return new KinesisAnalyticsHandler(AnalyticsSettings.fromEnvironment(env), clients,
                MetricSpecs.load(env.get(AnalyticsLambdaSettings.METRICS_FILE.env()), clients),
                RetryPolicy.defaults());
    }

    public KinesisAnalyticsHandler(AnalyticsSettings settings) {
        this(settings, new AwsClients(awsConfig(settings)));
    }

    /**
     * Runs the metrics the consumer would: the spec named by {@code RTPIPE_METRICS_FILE} (the S3 object the CDK app
     * ships from {@code rtpipe:metricsFile}, or a file, e.g. in a layer under /opt), or the built-in
     * {@code events_per_minute}. A mistake in it, or an object it cannot read, fails the cold start with one sentence.
     */
    private KinesisAnalyticsHandler(AnalyticsSettings settings, AwsClients clients) {
        this(settings, clients, MetricSpecs.load(System.getenv(AnalyticsLambdaSettings.METRICS_FILE.env()), clients),
                RetryPolicy.defaults());
    }

    public KinesisAnalyticsHandler(AnalyticsSettings settings, AwsClients clients, EngineConfig engine,
                                   RetryPolicy retry) {
        this(settings, engine, AnalyticsOutputs.sinks(clients.s3(), settings.archiveBucket(),
                new ResultsSink(clients.dynamoDb(), settings.resultsTable(), retry, settings.resultRetention(),
                        new S3Writes(clients.s3(), settings.archiveBucket(), retry), engine),
                retry));
    }

    public KinesisAnalyticsHandler(AnalyticsSettings settings, EngineConfig engine, AnalyticsOutputs outputs) {
        this.folder = new BatchFolder(engine);
        this.codec = new StateCodec(settings.maxStateBytes());
        this.fixedStream = settings.streamName();
        this.outputs = outputs;
    }

    private static AwsConfig awsConfig(AnalyticsSettings settings) {
        AwsConfig.Builder aws = AwsConfig.builder().region(settings.region());
        if (settings.endpoint() != null) {
            aws.endpoint(settings.endpoint());
        }
        return aws.build();
    }

    @Override
    public TimeWindowEventResponse handleRequest(KinesisTimeWindowEvent event, Context context) {
        List<KinesisEvent.KinesisEventRecord> batch = event.getRecords() == null ? List.of() : event.getRecords();
        String shardId = shardId(event, batch);
        Map<String, String> incoming = event.getState() == null ? Map.of() : event.getState();
        WindowState decoded = codec.decode(incoming);
        List<InputRecord> records = batch.stream().flatMap(r -> UserRecords.of(r).stream()).toList();
        // Named before folding: a stream name the event cannot tell is a configuration error, not a sink outage.
        String stream = records.isEmpty() ? null : streamName(event, batch);
        // No isFinalInvokeForWindow at all: the mapping has no tumbling window, so each batch is a window of its own.
        boolean finalInvoke = event.getIsFinalInvokeForWindow() == null
                || event.getIsFinalInvokeForWindow() || Boolean.TRUE.equals(event.getIsWindowTerminatedEarly());
        BatchFolder.Folded folded;
        try {
            // A Lambda window's first records resume the shard's watermark from its marks: nothing else writes
            // them until this window's final invocation, so a retry of this invocation reads the same.
            WindowState before = decoded.isEmpty() && !records.isEmpty()
                    ? WindowState.resumed(outputs.readMarks(shardId), records.get(0).position()) : decoded;
            folded = folder.fold(shardId, before, records,
                    (shard, interval) -> outputs.writeInterval(stream, shard, interval));
            if (folded.failure() != null) {
                throw folded.failure(); // a sink outage is retried below; anything else fails the invocation
            }
            if (finalInvoke && !folded.state().isEmpty()) {
                // The marks after the results they cover: a reader that sees a mark sees every partial below it
                // (earlier Lambda windows wrote theirs at their own final invocations, before this window began).
                outputs.writeResults(folded.state().results(shardId));
                outputs.writeMarks(shardId, folded.state().marks(folder.firedThrough(shardId, folded.state())));
            }
        } catch (SinkWriteException e) {
            if (records.isEmpty()) {
                throw new IllegalStateException("Shard " + shardId + ": could not write the window's results ("
                        + e.getMessage() + "); Lambda retries this final invocation", e);
            }
            String retryFrom = records.get(0).position().sequenceNumber();
            LOG.warn("Shard {}: a sink write failed ({}); reporting the batch from {} for retry with the state it "
                    + "came with", shardId, e.getMessage(), retryFrom);
            return new TimeWindowEventResponse(incoming,
                    List.of(new TimeWindowEventResponse.BatchItemFailure(retryFrom)));
        }
        Map<String, String> next = finalInvoke ? Map.of() : codec.encode(folded.state(), shardId);
        LOG.info("Shard {}: {} records, {} partials in the window state{}", shardId, records.size(),
                folded.state().partials().size(), finalInvoke ? ", written (final invocation)" : "");
        return new TimeWindowEventResponse(next, List.of());
    }

    private static String shardId(KinesisTimeWindowEvent event, List<KinesisEvent.KinesisEventRecord> batch) {
        if (event.getShardId() != null) {
            return event.getShardId();
        }
        // Without a tumbling window the event has no shardId: each record's eventID is "<shardId>:<sequence>".
        if (!batch.isEmpty() && batch.get(0).getEventID() != null && batch.get(0).getEventID().contains(":")) {
            return batch.get(0).getEventID().substring(0, batch.get(0).getEventID().indexOf(':'));
        }
        throw new IllegalArgumentException("the event names no shard (no shardId, no record eventID)");
    }

    private String streamName(KinesisTimeWindowEvent event, List<KinesisEvent.KinesisEventRecord> batch) {
        if (fixedStream != null) {
            return fixedStream;
        }
        String arn = event.getEventSourceArn() != null ? event.getEventSourceArn() : batch.get(0).getEventSourceARN();
        int slash = arn == null ? -1 : arn.lastIndexOf(":stream/");
        if (slash < 0) {
            throw new IllegalArgumentException("cannot tell the stream name from event source ARN '" + arn
                    + "'; set " + AnalyticsLambdaSettings.STREAM.env());
        }
        return arn.substring(slash + ":stream/".length());
    }
}
