package io.rtpipe.cli;

import io.rtpipe.cli.local.ConsumerBench;
import io.rtpipe.cli.local.PipelineBench;
import io.rtpipe.core.bench.BenchInput;
import io.rtpipe.core.bench.EngineBench;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.spec.SpecException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code rtpipe bench}: measurements a user can repeat on their own machine and data. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks (not part of the test suite).",
        subcommands = {BenchCommand.Engine.class, BenchCommand.Generate.class, BenchCommand.Pipeline.class,
                BenchCommand.Consumer.class})
public final class BenchCommand {

    @Command(name = "engine",
            mixinStandardHelpOptions = true,
            description = {"Pushes a JSON-lines file through decode, filter, group, window and aggregate on one thread"
                    + " (as a consumer shard does, checkpoints included) and prints events/s, heap bytes per key per"
                    + " window, and the raw Jackson parse rate of the same bytes (the ceiling).",
                    "For one core as published: taskset -c 0 with RTPIPE_JAVA_OPTS='-Xms4g -Xmx4g -XX:+UseG1GC"
                            + " -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch'."})
    static final class Engine implements Callable<Integer> {

        @Option(names = "--input", required = true, paramLabel = "FILE", description = "JSON lines to process.")
        Path input;

        @Option(names = "--metrics", defaultValue = "builtin:count-sum", paramLabel = "SPEC",
                description = "A spec file, or builtin:count-sum (default), builtin:count-sum-distinct-p99 or "
                        + "builtin:count-sum-derived (derived fields).")
        String metrics;

        @Option(names = "--passes", defaultValue = "5", description = "Measured passes after one warm-up (default ${DEFAULT-VALUE}).")
        int passes;

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(input)) {
                throw new CliException("--input: no such file: " + input);
            }
            if (passes < 1) {
                throw new CliException("--passes must be at least 1, got " + passes);
            }
            EngineConfig config;
            try {
                config = EngineBench.loadSpec(metrics);
            } catch (SpecException e) {
                throw new CliException(e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new CliException("--metrics: " + e.getMessage());
            }
            EngineBench.run(input, config, passes, System.out);
            return 0;
        }
    }

    @Command(name = "generate",
            mixinStandardHelpOptions = true,
            description = "Writes benchmark input: ~200-byte JSON events, 10,000 page keys, skewed user ids, 2 s of disorder.")
    static final class Generate implements Callable<Integer> {

        @Option(names = "--output", required = true, paramLabel = "FILE", description = "Where to write the events.")
        Path output;

        @Option(names = "--events", defaultValue = "2000000", description = "How many (default ${DEFAULT-VALUE}).")
        int events;

        @Option(names = "--rate", defaultValue = "10000",
                description = "Events per second of event time (default ${DEFAULT-VALUE}).")
        int rate;

        @Override
        public Integer call() throws Exception {
            if (events < 1 || rate < 1) {
                throw new CliException("--events and --rate must be positive");
            }
            BenchInput.write(output, events, rate, 1);
            System.out.println("wrote " + events + " events to " + output + " (" + Files.size(output) + " bytes)");
            return 0;
        }
    }

    @Command(name = "pipeline",
            mixinStandardHelpOptions = true,
            description = {"Runs producer -> Kinesis -> KCL consumer -> sinks on the local emulators (as rtpipe local"
                    + " does: generator, aggregating producer, the built-in events_per_minute) and prints the events/s"
                    + " that went through end to end and, per 1-minute window and type, the latency from the window's"
                    + " close to its merged result being visible in DynamoDB (p50/p99).",
                    "Windows close during the run only from the second minute on: run at least 3 minutes."})
    static final class Pipeline implements Callable<Integer> {

        @Option(names = "--duration", defaultValue = "3m", converter = DurationConverter.class,
                description = "How long the generator runs (default ${DEFAULT-VALUE}).")
        Duration duration;

        @Option(names = "--rate", defaultValue = "1000",
                description = "Generated events per second offered (default ${DEFAULT-VALUE}).")
        int rate;

        @Option(names = "--shards", defaultValue = "4", description = "Shards in the stream (default ${DEFAULT-VALUE}).")
        int shards;

        @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws Exception {
            if (rate < 1 || shards < 1 || shards > 64 || duration.isNegative() || duration.isZero()) {
                throw new CliException("--rate and --duration must be positive and --shards between 1 and 64");
            }
            boolean complete = new PipelineBench(new PipelineBench.Options(duration, rate, shards, seed), System.out,
                    System.err).run();
            if (!complete) {
                throw new CliException("not every produced event was consumed: the figures above are not of a "
                        + "complete run", CliException.FAILED);
            }
            return 0;
        }
    }

    @Command(name = "consumer",
            mixinStandardHelpOptions = true,
            description = {"CPU-seconds per million events of the consumer without Kinesis: pre-built aggregated "
                    + "records are handed page by page to the KCL record processor (after KCL's de-aggregation), "
                    + "which runs ShardTask, the engine and the real sinks (DynamoDB and S3 on the local emulators). "
                    + "Not measured: GetRecords calls, KCL's scheduler and leases, the lease-table checkpoint write.",
                    "Prints a warm-up pass, then the measured one (CPU of the whole JVM; the emulators run in "
                            + "processes of their own)."})
    static final class Consumer implements Callable<Integer> {

        @Option(names = "--events", defaultValue = "1000000", description = "Events per pass (default ${DEFAULT-VALUE}).")
        int events;

        @Option(names = "--shards", defaultValue = "4", description = "Shards, one thread each (default ${DEFAULT-VALUE}).")
        int shards;

        @Option(names = "--event-rate", defaultValue = "10000",
                description = "Events per second of event time: sets how many 1-minute windows they span "
                        + "(default ${DEFAULT-VALUE}).")
        int eventRate;

        @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws Exception {
            if (events < 1 || eventRate < 1 || shards < 1 || shards > 64) {
                throw new CliException("--events and --event-rate must be positive and --shards between 1 and 64");
            }
            new ConsumerBench(new ConsumerBench.Options(events, shards, eventRate, seed), System.out, System.err)
                    .run();
            return 0;
        }
    }
}
