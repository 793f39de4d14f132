package io.rtpipe.cli;

import io.rtpipe.core.bench.BenchInput;
import io.rtpipe.core.bench.EngineBench;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.spec.SpecException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code rtpipe bench}: measurements a user can repeat on their own machine and data. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks (not part of the test suite).",
        subcommands = {BenchCommand.Engine.class, BenchCommand.Generate.class})
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
                description = "A spec file, or builtin:count-sum (default) or builtin:count-sum-distinct-p99.")
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
}
