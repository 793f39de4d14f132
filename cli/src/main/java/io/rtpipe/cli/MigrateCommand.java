package io.rtpipe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.result.MergedResultJson;
import io.rtpipe.core.spec.SpecException;
import io.rtpipe.core.spec.SpecLoader;
import io.rtpipe.core.spec.SpecWriter;
import io.rtpipe.sql.KdaSqlLoader;
import io.rtpipe.sql.KdaTranslation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code rtpipe migrate}: KDA SQL application code to the YAML spec that means the same (equal fingerprints), with a
 * report of what each statement became and where results differ in meaning; {@code --check} runs both over a sample.
 */
@Command(name = "migrate",
        mixinStandardHelpOptions = true,
        description = {"Translates a Kinesis Data Analytics (KDA) SQL application into an rtpipe YAML spec, printed "
                + "on stdout (or --output), with a report on stderr (or --report): each statement and what it "
                + "became, and where the results differ in meaning.",
                "--check --sample FILE runs the application and the printed spec over the lines of FILE in process "
                + "(as rtpipe preview does) and shows their results side by side.",
                "Exit codes: 0 translated (with --check: the same results); 1 --check found different results; 2 a "
                + "mistake in the application, its schema or the flags, or a construct rtpipe refuses (one "
                + "located sentence)."})
public final class MigrateCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "APP", description = "The KDA application code (SQL).")
    Path application;

    @Option(names = "--input-schema", paramLabel = "FILE", description = "The input schema JSON as "
            + "DescribeApplication gives it (InputSchema: RecordFormat, RecordColumns of Name, SqlType, Mapping), "
            + "when APP does not carry it in an input_schema comment.")
    Path inputSchema;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the spec to FILE instead of stdout.")
    Path output;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the report to FILE instead of stderr.")
    Path report;

    @Option(names = "--check", description = "Run the application and the printed spec over --sample and compare "
            + "their results (exit 1 if they differ).")
    boolean check;

    @Option(names = "--sample", paramLabel = "FILE", description = "With --check: one JSON record per non-blank "
            + "line, all arriving at the same instant (as in rtpipe preview).")
    Path sample;

    @Override
    public Integer call() throws IOException {
        if (check != (sample != null)) {
            throw new CliException(check ? "--check needs --sample FILE, the records to run both over"
                    : "--sample is read only with --check");
        }
        String code = read(application, "APP");
        if (!KdaSqlLoader.isKda(code)) {
            throw new CliException(application + ": creates no pump, so it is not KDA application code (a spec "
                    + "in rtpipe's SQL dialect needs no migration: rtpipe check " + application + ")");
        }
        String schema = inputSchema == null ? null : read(inputSchema, "--input-schema");
        requireFolder(output, "--output");
        requireFolder(report, "--report");
        if (sample != null && !Files.isRegularFile(sample)) {
            throw new CliException("--sample: no such file: " + sample);
        }
        KdaTranslation translation;
        try {
            translation = KdaSqlLoader.standard().translate(application.toString(), code,
                    inputSchema == null ? null : inputSchema.toString(), schema);
        } catch (SpecException e) {
            throw new CliException(e.getMessage(), CliException.USAGE, e);
        }
        String yaml = "# rtpipe spec translated by rtpipe migrate from the KDA application "
                + application.getFileName() + "\n" + SpecWriter.write(translation.config());
        EngineConfig printed = reload(translation.config(), yaml);

        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        report(out, translation);
        boolean same = !check || compare(out, sample, translation.config(), printed);
        out.flush();

        if (output == null) {
            spec.commandLine().getOut().print(yaml);
            spec.commandLine().getOut().flush();
        } else {
            Files.writeString(output, yaml, StandardCharsets.UTF_8);
        }
        if (report == null) {
            spec.commandLine().getErr().print(text);
            spec.commandLine().getErr().flush();
        } else {
            Files.writeString(report, text.toString(), StandardCharsets.UTF_8);
        }
        return same ? 0 : CliException.FAILED;
    }

    /** The printed YAML loaded back: the same metrics by fingerprint, or a bug in the translation. */
    private static EngineConfig reload(EngineConfig translated, String yaml) {
        EngineConfig printed = SpecLoader.standard().parse("the printed spec", yaml);
        for (int i = 0; i < translated.metrics().size(); i++) {
            MetricSpec want = translated.metrics().get(i);
            MetricSpec got = printed.metrics().get(i);
            if (!got.name().equals(want.name()) || !got.fingerprint().equals(want.fingerprint())) {
                throw new IllegalStateException("the printed spec's metric " + got.name() + " differs from the "
                        + "application's " + want.name() + ": " + got.differencesFrom(want.definition()));
            }
        }
        return printed;
    }

    private void report(PrintWriter out, KdaTranslation translation) {
        out.printf("rtpipe migrate: %s: %d metric(s)%s%n", application, translation.config().metrics().size(),
                output == null ? "" : ", written to " + output);
        for (KdaTranslation.Kind kind : KdaTranslation.Kind.values()) {
            out.println(kind == KdaTranslation.Kind.STATEMENT ? "statements:" : "differences from KDA:");
            for (KdaTranslation.Note note : translation.notes()) {
                if (note.kind() == kind) {
                    out.println("  " + application + (note.line() == 0 ? "" : ":" + note.line() + ":"
                            + note.column()) + ": " + note.text());
                }
            }
        }
    }

    /** Runs both configurations over {@code sample} and prints their results side by side; true if they are equal. */
    static boolean compare(PrintWriter out, Path sample, EngineConfig application, EngineConfig printed)
            throws IOException {
        // One instant for both runs, so arrival-time windows are the same ones.
        long arrival = System.currentTimeMillis();
        FileEngineRun.Outcome kda = FileEngineRun.run(application, sample, arrival);
        FileEngineRun.Outcome yaml = FileEngineRun.run(printed, sample, arrival);
        Map<String, List<String>> rows = new LinkedHashMap<>();
        Map<String, String> left = cells(kda.results(), rows);
        Map<String, String> right = cells(yaml.results(), rows);
        Set<String> all = new LinkedHashSet<>(left.keySet());
        all.addAll(right.keySet());
        out.printf("check: %s, %,d records, each arriving at %s, through the application and the printed spec%n",
                sample, kda.records(), Instant.ofEpochMilli(arrival));
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("", "metric", "window start", "key", "application", "spec"));
        int differing = 0;
        for (String row : all) {
            String a = left.getOrDefault(row, "(none)");
            String b = right.getOrDefault(row, "(none)");
            boolean differs = !a.equals(b);
            differing += differs ? 1 : 0;
            List<String> cells = new ArrayList<>();
            cells.add(differs ? "*" : "");
            cells.addAll(rows.get(row));
            cells.add(a);
            cells.add(b);
            table.add(cells);
        }
        printTable(out, table);
        String setAside = String.format("%,d dead letters and %,d late records from each", kda.deadLetters().size(),
                kda.late().size());
        if (kda.deadLetters().size() != yaml.deadLetters().size() || kda.late().size() != yaml.late().size()) {
            setAside = String.format("dead letters %,d and %,d, late records %,d and %,d",
                    kda.deadLetters().size(), yaml.deadLetters().size(), kda.late().size(), yaml.late().size());
            differing++;
        }
        out.println(differing == 0
                ? String.format("check: the same %,d window results from both (%s)", all.size(), setAside)
                : String.format("check: %,d of %,d window results differ, marked * (%s)", differing, all.size(),
                setAside));
        return differing == 0;
    }

    /** Each result's values as JSON, by its metric, window and key; the row's first cells go to {@code rows}. */
    private static Map<String, String> cells(List<MergedResult> results, Map<String, List<String>> rows)
            throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (MergedResult result : results) {
            String key = result.key().isEmpty() ? "(all)" : result.key().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
            String row = result.metric() + "\n" + result.windowStart() + "\n" + key;
            rows.putIfAbsent(row, List.of(result.metric(), result.windowStart().toString(), key));
            // The values exactly as the JSON-lines export writes them.
            values.put(row, JSON.readTree(MergedResultJson.toJsonLine(result, true)).get("values").toString());
        }
        return values;
    }

    private static void printTable(PrintWriter out, List<List<String>> table) {
        int[] widths = new int[table.get(0).size()];
        Arrays.fill(widths, 1);
        for (List<String> row : table) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : table) {
            StringBuilder line = new StringBuilder(" ");
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + widths[i] + "s  ", row.get(i)));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String read(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CliException(what + ": no such file: " + file);
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new CliException(what + ": " + file + " is not UTF-8 text");
        }
    }

    private static void requireFolder(Path file, String what) {
        Path parent = file == null ? null : file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new CliException(what + ": the folder " + parent + " does not exist");
        }
    }
}
