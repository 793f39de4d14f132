package io.rtpipe.cli;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.dynamodb.KeySchemaMismatchException;
import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.connectors.output.OutputSinks;
import io.rtpipe.connectors.spec.MetricSpecs;
import io.rtpipe.consumer.ConsumerConfig;
import io.rtpipe.consumer.KclConsumer;
import io.rtpipe.consumer.ReportConfig;
import io.rtpipe.contract.ConsumerSettings;
import io.rtpipe.contract.Durations;
import io.rtpipe.contract.Setting;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.task.ProgressException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code rtpipe consume}: runs a KCL worker that computes the metrics until it is stopped (SIGTERM, Ctrl-C).
 *
 * <p>The options of the pipeline's resources and KCL timing are not declared here but derived from
 * {@link ConsumerSettings} ({@link SettingOptions}), which the CDK app also sets as environment variables; each is
 * read as its flag if given, else its variable, else {@link ConsumerConfig}'s default (parsed from the same
 * declaration).
 */
@Command(name = "consume",
        mixinStandardHelpOptions = true,
        modelTransformer = ConsumeCommand.SettingOptions.class,
        description = "Runs a KCL consumer worker: metrics to DynamoDB, raw archive and dead letters to S3. "
                + "Stops gracefully on SIGTERM or Ctrl-C. Every setting option below can also be given as the "
                + "environment variable it names; a flag beats its variable.")
public final class ConsumeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    AwsOptions aws;

    @Option(names = "--fan-out", description = "Read with enhanced fan-out instead of polling.")
    boolean fanOut;

    @Option(names = "--status-every", defaultValue = "30s", converter = DurationConverter.class,
            description = "How often to log a status line (default ${DEFAULT-VALUE}).")
    Duration statusEvery;

    @Option(names = "--worker-id", description = "This worker's id in the lease table (default <application>-<UUID>).")
    String workerId;

    /** Where a setting not given as a flag is looked up; tests replace it. */
    Function<String, String> environment = System::getenv;

    /** Adds one option per {@link ConsumerSettings} setting; the KCL timing and read ones under their own heading. */
    static final class SettingOptions implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec command) {
            ConsumerSettings.RESOURCES.forEach(setting -> command.addOption(option(setting)));
            ConsumerSettings.WATERMARKS.forEach(setting -> command.addOption(option(setting)));
            ConsumerSettings.PUBLISHING.forEach(setting -> command.addOption(option(setting)));
            ConsumerSettings.REPORTS.forEach(setting -> command.addOption(option(setting)));
            ArgGroupSpec.Builder timing = ArgGroupSpec.builder()
                    .exclusive(false)
                    .heading("%nKCL timing and reads (defaults suit production; tests and chaos runs shorten them):%n");
            ConsumerSettings.KCL_TIMING.forEach(setting -> timing.addArg(option(setting)));
            ConsumerSettings.KCL_READS.forEach(setting -> timing.addArg(option(setting)));
            command.addArgGroup(timing.build());
            return command;
        }

        private static OptionSpec option(Setting setting) {
            String help = setting.description() + " Env " + setting.env()
                    + setting.defaultIfAny().map(d -> ", default " + d).orElse("") + ".";
            return OptionSpec.builder(setting.option())
                    .paramLabel(label(setting))
                    .type(String.class)
                    .description(help)
                    .build();
        }

        private static String label(Setting setting) {
            if (setting == ConsumerSettings.METRICS_FILE) {
                return "FILE";
            }
            if (ConsumerSettings.KCL_READS.contains(setting)) {
                return "COUNT";
            }
            if (setting == ConsumerSettings.PARQUET_RESULTS) {
                return "on|off";
            }
            return setting.defaultIfAny().filter(ConsumeCommand::isDuration).isPresent() ? "DURATION" : "NAME";
        }
    }

    private static boolean isDuration(String text) {
        try {
            Durations.parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The setting's flag value if given, else its environment variable, else null (its default applies). */
    String value(Setting setting) {
        String flag = spec.commandLine().getParseResult().matchedOptionValue(setting.option(), null);
        if (flag != null) {
            return flag;
        }
        String env = environment.apply(setting.env());
        return env == null || env.isBlank() ? null : env.trim();
    }

    /** The consumer configuration of the parsed command line (without its metric spec). */
    ConsumerConfig.Builder config() {
        try {
            ConsumerConfig.Builder config = ConsumerConfig.fromSettings(this::value)
                    .retrieval(fanOut ? ConsumerConfig.Retrieval.FAN_OUT : ConsumerConfig.Retrieval.POLLING);
            if (workerId != null) {
                config.workerId(workerId);
            }
            return config;
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    /** What the worker reports: EMF lines and a health file, each only if named. */
    ReportConfig reports() {
        String healthFile = value(ConsumerSettings.HEALTH_FILE);
        return ReportConfig.of(value(ConsumerSettings.METRICS_NAMESPACE),
                healthFile == null ? null : Path.of(healthFile));
    }

    @Override
    public Integer call() throws Exception {
        ConsumerConfig.Builder config = config();
        AwsCalls calls = new AwsCalls(aws, AwsOptions.ALL);
        // A file is checked before any AWS call; the S3 object the CDK app ships the spec as is read with the sinks'
        // S3 client configuration, once that endpoint is known to answer.
        String metricsFile = value(ConsumerSettings.METRICS_FILE);
        if (metricsFile != null && MetricSpecs.isS3(metricsFile)) {
            calls.requireListening(AwsConfig.Service.S3);
        }
        EngineConfig engine = MetricsFile.load(metricsFile, calls.clients());
        ConsumerConfig built;
        try {
            built = config.engine(engine).build();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        // CloudWatch is left out: with metrics off, local runs point it at an unused port on purpose.
        calls.requireListening(AwsConfig.Service.DYNAMODB, AwsConfig.Service.S3);
        calls.requireStream(built.streamName());
        AwsClients clients;
        try {
            // The outputs' services (SNS, Firehose, ...) join the consumer's once the spec says which it names.
            clients = new AwsClients(OutputSinks.withServices(calls.config(), engine));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), CliException.USAGE, e);
        }
        // No try-with-resources: the consumer's own JVM shutdown hook stops it gracefully on SIGTERM or Ctrl-C.
        KclConsumer consumer = new KclConsumer(built, clients, reports());
        // Also for a worker stopped before its first status line (it held no lease yet).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.printf(
                "rtpipe consume: exiting; peak heap %,d MB%n", PeakHeap.megabytes()), "peak-heap-report"));
        try {
            consumer.start();
            System.err.println("rtpipe consume: worker " + consumer.config().workerId() + " started on "
                    + built.streamName());
            if (!consumer.awaitReady(Duration.ofMinutes(2))) {
                System.err.println("rtpipe consume: no lease held after 2 minutes (other workers may hold them all);"
                        + " waiting");
            }
        } catch (KeySchemaMismatchException e) {
            // A table keyed otherwise is the configuration's fault (wrong name, old template), not the run's.
            consumer.shutdownNow();
            throw new CliException(e.getMessage(), CliException.USAGE, e);
        } catch (ProgressException e) {
            consumer.shutdownNow();
            throw new CliException(e.getMessage(), CliException.USAGE, e);
        } catch (IllegalStateException e) {
            consumer.shutdownNow();
            throw new CliException(e.getMessage(), CliException.FAILED, e);
        }
        while (true) {
            Thread.sleep(statusEvery.toMillis());
            try {
                consumer.requireNoRefusal();
            } catch (ProgressException e) {
                // Stored progress this spec cannot resume from: stop before any shard writes wrong results.
                consumer.shutdownNow();
                throw new CliException(e.getMessage(), CliException.USAGE, e);
            }
            System.err.printf("%s  peak heap %,d MB%n", consumer.stats().progressLine(), PeakHeap.megabytes());
        }
    }
}
