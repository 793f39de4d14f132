package io.rtpipe.cli;

import io.rtpipe.cli.local.LocalRun;
import io.rtpipe.cli.logging.Logging;
import io.rtpipe.core.engine.EngineConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@code rtpipe local}: the whole pipeline on this machine, checked against its own ground truth. */
@Command(name = "local",
        mixinStandardHelpOptions = true,
        description = {
                "Starts local AWS emulators, then runs generator (or --input) -> producer -> Kinesis -> KCL consumer "
                        + "-> S3 + DynamoDB, shows live progress, prints the results and checks that every event was "
                        + "counted exactly once and archived exactly once.",
                "Exit code 0 only if those checks pass and every event was acknowledged by Kinesis."})
public final class LocalCommand implements Callable<Integer> {

    @Option(names = "--duration", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long the generator produces (default ${DEFAULT-VALUE}); ignored with --input.")
    Duration duration;

    @Option(names = "--rate", defaultValue = "200",
            description = "Generated events per second (default ${DEFAULT-VALUE}); kinesis-mock takes about 1,000/s.")
    int rate;

    @Option(names = "--shards", defaultValue = "2", description = "Shards in the stream (default ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--input", paramLabel = "FILE",
            description = "Send the lines of FILE instead of generated events: one record a non-blank line, in file order.")
    Path input;

    @Option(names = "--export", paramLabel = "FILE",
            description = "Write the final window results to FILE as JSON lines.")
    Path export;

    @Option(names = "--parquet-export", paramLabel = "DIR",
            description = "Copy the Parquet results objects into DIR (their keys as paths below it).")
    Path parquetExport;

    @Option(names = "--metrics", paramLabel = "FILE",
            description = "Metric spec file, YAML or .sql (default: the built-in events_per_minute, which the run audits).")
    Path metrics;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    ProducerOptions producing;

    @Option(names = "--keep-running",
            description = "Leave the emulators running after the run (until Ctrl-C) and print their endpoints.")
    boolean keepRunning;

    @Option(names = "--ui", description = "Serve the web console (rtpipe console) at http://127.0.0.1:8642/ during "
            + "the run, and keep it and the emulators up afterwards until Ctrl-C.")
    boolean ui;

    /** Where the outputs' endpoints are looked up ({@code AWS_ENDPOINT_URL_SNS}, ...); tests replace it. */
    Function<String, String> environment = System::getenv;

    @Override
    public Integer call() throws Exception {
        if (rate <= 0) {
            throw new CliException("--rate must be a positive number of events per second, got " + rate);
        }
        if (shards < 1 || shards > 64) {
            throw new CliException("--shards must be between 1 and 64, got " + shards);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new CliException("--duration must be positive, got " + duration);
        }
        if (input != null && !Files.isRegularFile(input)) {
            throw new CliException("--input: no such file: " + input);
        }
        if (export != null && export.toAbsolutePath().getParent() != null
                && !Files.isDirectory(export.toAbsolutePath().getParent())) {
            throw new CliException("--export: the folder " + export.toAbsolutePath().getParent() + " does not exist");
        }
        if (parquetExport != null && Files.exists(parquetExport) && !Files.isDirectory(parquetExport)) {
            throw new CliException("--parquet-export: " + parquetExport + " is a file, not a folder");
        }
        // The console belongs to the progress line and the results: rtpipe's own INFO logs stay quiet here.
        Logging.level("io.rtpipe", "WARN");
        EngineConfig engine = MetricsFile.loadForLines(metrics, "rtpipe local");
        LocalRun.Options options = new LocalRun.Options(duration, rate, shards, input, export, seed, keepRunning,
                engine, metrics == null, ui, producing.selector(engine.metrics()), !producing.noAggregation,
                parquetExport, LocalRun.outputEndpoints(engine, environment));
        return new LocalRun(options, System.out, System.err).run() ? 0 : CliException.FAILED;
    }
}
