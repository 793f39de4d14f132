package io.rtpipe.cli;

import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.result.MergedResultJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * {@code rtpipe preview}: the engine in process over a file, no AWS: results as {@code rtpipe local --export} writes
 * them, dead letters and late records on stderr.
 */
@Command(name = "preview",
        mixinStandardHelpOptions = true,
        description = {"Runs the metrics over the lines of a file in process (no AWS, no emulators) and prints the "
                + "window results as JSON lines, every window fired at the end of the input.",
                "Dead letters (with line numbers and reasons) and late-record counts go to stderr."})
public final class PreviewCommand implements Callable<Integer> {

    /** Dead letters listed one per line; more are only counted. */
    static final int DEAD_LETTERS_SHOWN = 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--metrics", paramLabel = "FILE",
            description = "Metric spec file, YAML or .sql (default: the built-in events_per_minute).")
    Path metricsFile;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "One record per non-blank line, in file order (as rtpipe local --input sends them).")
    Path input;

    @Option(names = "--export", paramLabel = "FILE",
            description = "Write the results to FILE instead of stdout.")
    Path export;

    @Override
    public Integer call() throws IOException {
        EngineConfig engine = MetricsFile.loadForLines(metricsFile, "rtpipe preview");
        if (!Files.isRegularFile(input)) {
            throw new CliException("--input: no such file: " + input);
        }
        if (export != null && export.toAbsolutePath().getParent() != null
                && !Files.isDirectory(export.toAbsolutePath().getParent())) {
            throw new CliException("--export: the folder " + export.toAbsolutePath().getParent() + " does not exist");
        }
        FileEngineRun.Outcome outcome = FileEngineRun.run(engine, input, System.currentTimeMillis());
        // The file is the whole input: its end fires every window, so every result is final.
        Predicate<MergedResult> allFinal = result -> true;
        if (export == null) {
            PrintWriter out = spec.commandLine().getOut();
            MergedResultJson.writeLines(outcome.results(), allFinal, out);
            out.flush();
        } else {
            try (Writer out = Files.newBufferedWriter(export, StandardCharsets.UTF_8)) {
                MergedResultJson.writeLines(outcome.results(), allFinal, out);
            }
        }
        report(spec.commandLine().getErr(), outcome);
        return 0;
    }

    private void report(PrintWriter err, FileEngineRun.Outcome outcome) {
        for (int i = 0; i < Math.min(DEAD_LETTERS_SHOWN, outcome.deadLetters().size()); i++) {
            DeadLetter dead = outcome.deadLetters().get(i);
            err.println("rtpipe preview: dead letter, " + input + ":" + dead.record().position().sequenceNumber()
                    + ": " + dead.reason());
        }
        if (outcome.deadLetters().size() > DEAD_LETTERS_SHOWN) {
            err.printf("rtpipe preview: ... and %,d more dead letters%n",
                    outcome.deadLetters().size() - DEAD_LETTERS_SHOWN);
        }
        Map<String, Long> latePerMetric = outcome.late().stream()
                .collect(Collectors.groupingBy(LateRecord::metric, TreeMap::new, Collectors.counting()));
        String late = latePerMetric.isEmpty() ? "0 late records"
                : latePerMetric.entrySet().stream().map(e -> String.format("%,d late for %s", e.getValue(), e.getKey()))
                        .collect(Collectors.joining(", "));
        err.printf("rtpipe preview: %,d records, %,d window results%s; %,d dead letters, %s%n", outcome.records(),
                outcome.results().size(), export == null ? "" : " written to " + export,
                outcome.deadLetters().size(), late);
        err.flush();
    }
}
