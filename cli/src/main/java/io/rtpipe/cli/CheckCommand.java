package io.rtpipe.cli;

import io.rtpipe.core.engine.EngineConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code rtpipe check}: validates a metric spec offline and prints the plan the engine would run. */
@Command(name = "check",
        mixinStandardHelpOptions = true,
        description = {"Validates a metric spec file without AWS and prints the compiled plan: per metric its filter, "
                + "group-by, timestamp, window, lateness, dedup, aggregates and worst-case window state, then all "
                + "metrics' state against the spec's memory budget.",
                "A mistake is one located sentence and exit code 2."})
public final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SPEC", description = "The metric spec file, YAML or .sql.")
    Path specFile;

    @Override
    public Integer call() {
        EngineConfig engine = MetricsFile.load(specFile, "SPEC");
        PlanPrinter.print(spec.commandLine().getOut(), specFile.toString(), engine);
        return 0;
    }
}
