package io.rtpipe.cli;

import io.rtpipe.cli.console.Console;
import io.rtpipe.cli.console.ConsoleConfig;
import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.core.engine.EngineConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code rtpipe console}: a local web page showing a running pipeline live, from what its consumer writes. */
@Command(name = "console",
        mixinStandardHelpOptions = true,
        description = {"Serves a web page that shows a pipeline live: events/s in and out, lag per shard, window "
                + "end -> result latency, late and dead-letter rates, a chart and the latest final windows per "
                + "metric, and a browser of dead letters and late records.",
                "It only reads (the stream, the lease, results and progress tables, the bucket); stop it with Ctrl-C."})
public final class ConsoleCommand implements Callable<Integer> {

    @Mixin
    AwsOptions aws;

    @Option(names = "--stream", required = true, defaultValue = "${env:RTPIPE_STREAM_NAME}",
            description = "The Kinesis stream the consumer reads (env RTPIPE_STREAM_NAME).")
    String stream;

    @Option(names = "--application", defaultValue = "${env:RTPIPE_KCL_APPLICATION:-rtpipe}",
            description = "The consumer's KCL application name (env RTPIPE_KCL_APPLICATION; default rtpipe).")
    String application;

    @Option(names = "--bucket", required = true, defaultValue = "${env:RTPIPE_ARCHIVE_BUCKET}",
            description = "The consumer's bucket: dead letters, late records, raw archive (env RTPIPE_ARCHIVE_BUCKET).")
    String bucket;

    @Option(names = "--lease-table", description = "KCL's lease table (default: the application name).")
    String leaseTable;

    @Option(names = "--results-table", defaultValue = "${env:RTPIPE_RESULTS_TABLE}",
            description = "DynamoDB results table (env RTPIPE_RESULTS_TABLE; default <application>-results).")
    String resultsTable;

    @Option(names = "--progress-table", defaultValue = "${env:RTPIPE_PROGRESS_TABLE}",
            description = "DynamoDB shard-progress table (env RTPIPE_PROGRESS_TABLE; default <application>-progress).")
    String progressTable;

    @Option(names = "--metrics", paramLabel = "FILE", defaultValue = "${env:RTPIPE_METRICS_FILE}",
            description = "The consumer's metric spec file (env RTPIPE_METRICS_FILE; default: the built-in "
                    + "events_per_minute).")
    Path metricsFile;

    @Option(names = "--bind", defaultValue = ConsoleConfig.DEFAULT_BIND,
            description = "Address to serve on (default ${DEFAULT-VALUE}: this machine only).")
    String bind;

    @Option(names = "--port", defaultValue = "" + ConsoleConfig.DEFAULT_PORT,
            description = "Port to serve on (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--refresh", defaultValue = "2s", converter = DurationConverter.class,
            description = "How often the console samples the stream and the archive (default ${DEFAULT-VALUE}).")
    Duration refresh;

    @Option(names = "--history", defaultValue = "1h", converter = DurationConverter.class,
            description = "How far back the metric charts reach, in window start time (default ${DEFAULT-VALUE}).")
    Duration history;

    @Option(names = "--top-keys", defaultValue = "" + ConsoleConfig.DEFAULT_TOP_KEYS,
            description = "Group keys drawn per chart, the largest first (default ${DEFAULT-VALUE}).")
    int topKeys;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65_535) {
            throw new CliException("--port must be between 0 and 65535, got " + port);
        }
        if (topKeys < 1) {
            throw new CliException("--top-keys must be at least 1, got " + topKeys);
        }
        if (refresh.isNegative() || refresh.isZero() || history.isNegative() || history.isZero()) {
            throw new CliException("--refresh and --history must be positive, got " + refresh + " and " + history);
        }
        EngineConfig engine = MetricsFile.load(metricsFile);
        InetSocketAddress address = new InetSocketAddress(address(bind), port);
        AwsCalls calls = new AwsCalls(aws, AwsOptions.ALL);
        calls.requireStream(stream);
        AwsClients clients = calls.clients();
        ConsoleConfig config = new ConsoleConfig(stream, application, bucket,
                leaseTable != null ? leaseTable : application,
                resultsTable != null ? resultsTable : application + "-results",
                progressTable != null ? progressTable : application + "-progress",
                engine, address, refresh, history, topKeys);
        Console console;
        try {
            console = Console.start(config, clients);
        } catch (IOException e) {
            throw new CliException("cannot serve on " + bind + ":" + port + " (" + e.getMessage()
                    + "); pick another --port or --bind");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(console::close, "rtpipe-console-stop"));
        System.err.println("rtpipe console: serving " + console.uri() + " (Ctrl-C stops it)");
        new CountDownLatch(1).await();
        return 0;
    }

    private static InetAddress address(String bind) {
        try {
            return InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new CliException("--bind: '" + bind + "' is not an address of this machine");
        }
    }
}
