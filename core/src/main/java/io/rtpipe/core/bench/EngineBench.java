package io.rtpipe.core.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.EngineStats;
import io.rtpipe.core.engine.ShardEngine;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.spec.SpecLoader;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Single-thread throughput of the engine's hot path (decode, filter, group, window, aggregate, with a checkpoint
 * planned and committed every {@value #CHECKPOINT_EVERY} records as the consumer would), on a JSON-lines file held in
 * memory. Not a test: run by hand or as {@code rtpipe bench engine}.
 * <pre>
 * EngineBench generate --output FILE [--events 2000000] [--rate 10000]
 * EngineBench run --input FILE --metrics SPEC [--passes 5]
 * </pre>
 * SPEC is a spec file or {@code builtin:count-sum} / {@code builtin:count-sum-distinct-p99} /
 * {@code builtin:count-sum-derived} (the benchmark specs; the third is the first with its key and summed value
 * computed per event by {@code derive:}).
 * Prints: events/s of each measured pass after a warm-up pass (JVM start and file reading excluded), the median;
 * retained heap per (key, window) with state held (after GC, via MemoryMXBean); and the raw Jackson parse rate of the
 * same bytes (tree model and streaming tokens) as the ceiling.
 */
public final class EngineBench {
    static final int CHECKPOINT_EVERY = 1_024;
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private EngineBench() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || !(args[0].equals("generate") || args[0].equals("run"))) {
            System.err.println("usage: EngineBench generate --output FILE [--events N] [--rate EVENTS_PER_S]\n"
                    + "       EngineBench run --input FILE --metrics SPEC|builtin:count-sum|"
                    + "builtin:count-sum-distinct-p99|builtin:count-sum-derived [--passes N]");
            System.exit(2);
        }
        if (args[0].equals("generate")) {
            Path output = Path.of(option(args, "--output", null));
            int events = Integer.parseInt(option(args, "--events", "2000000"));
            BenchInput.write(output, events, Integer.parseInt(option(args, "--rate", "10000")), 1);
            System.out.println("wrote " + events + " events to " + output + " (" + Files.size(output) + " bytes)");
            return;
        }
        EngineConfig config;
        try {
            config = loadSpec(option(args, "--metrics", null));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        run(Path.of(option(args, "--input", null)), config, Integer.parseInt(option(args, "--passes", "5")),
                System.out);
    }

    private static String option(String[] args, String name, String defaultValue) {
        for (int i = 1; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        if (defaultValue == null) {
            throw new IllegalArgumentException("missing option " + name);
        }
        return defaultValue;
    }

    /** A spec file, or one of the benchmark specs by {@code builtin:NAME}. */
    public static EngineConfig loadSpec(String spec) {
        if (spec.startsWith("builtin:")) {
            String resource = spec.substring("builtin:".length()) + ".yaml";
            try (InputStream in = EngineBench.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalArgumentException("no benchmark spec " + spec
                            + "; expected builtin:count-sum, builtin:count-sum-distinct-p99 or "
                            + "builtin:count-sum-derived");
                }
                return SpecLoader.standard().parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return SpecLoader.standard().load(Path.of(spec));
    }

    /** Runs the benchmark on {@code input} and prints the report to {@code out}. */
    public static void run(Path input, EngineConfig config, int passes, PrintStream out) throws IOException {
        List<InputRecord> records = new ArrayList<>();
        long bytes = 0;
        for (String line : Files.readAllLines(input, StandardCharsets.UTF_8)) {
            if (!line.isEmpty()) {
                byte[] data = line.getBytes(StandardCharsets.UTF_8);
                bytes += data.length;
                // Arrival at the end of time: the benchmark measures aggregation, not the max_ahead dead-letter path.
                records.add(new InputRecord(RecordPosition.of(String.format("%021d", records.size() + 1)), "pk",
                        MetricSpec.MAX_EVENT_TIME, data));
            }
        }
        out.printf("input: %,d events, %.0f bytes/event; metrics: %s%n", records.size(),
                (double) bytes / records.size(), config.metrics().stream().map(m -> m.name() + m.aggregates()
                        .stream().map(a -> a.fn()).toList()).toList());

        onePass(config, records); // warm-up
        double[] rates = new double[passes];
        EngineStats stats = null;
        for (int p = 0; p < passes; p++) {
            long start = System.nanoTime();
            stats = onePass(config, records);
            rates[p] = records.size() / ((System.nanoTime() - start) / 1e9);
            out.printf("pass %d: %,.0f events/s%n", p + 1, rates[p]);
        }
        out.printf("engine: median %,.0f events/s (dead letters %d, late %d, windows fired %d)%n", median(rates),
                stats.deadLettered(), stats.lateRecords(), stats.windowsFired());

        heapPerKeyWindow(config, records, out);

        double tree = parseRate(records, true);
        double streaming = parseRate(records, false);
        out.printf("jackson ceiling: readTree %,.0f events/s, streaming tokens %,.0f events/s%n", tree, streaming);
    }

    private static EngineStats onePass(EngineConfig config, List<InputRecord> records) {
        ShardEngine engine = new ShardEngine(config, "bench", ShardProgress.initial());
        int sinceCheckpoint = 0;
        for (InputRecord record : records) {
            engine.process(record);
            if (++sinceCheckpoint == CHECKPOINT_EVERY) {
                sinceCheckpoint = 0;
                engine.takeFiredResults();
                engine.planCheckpoint().ifPresent(engine::commit);
            }
        }
        engine.endOfInput();
        engine.takeFiredResults();
        engine.planCheckpoint().ifPresent(engine::commit);
        return engine.stats();
    }

    /**
     * Feeds records until the engine holds the most keys × windows (checked every 1,024 records, up to the first
     * 1.5 minutes' worth), then measures the heap retained by the engine: used heap after GC with the engine
     * reachable minus used heap after GC without it. The records themselves are shared with the input list, so only
     * the planner's references to buffered records count, not their payloads.
     */
    private static void heapPerKeyWindow(EngineConfig config, List<InputRecord> records, PrintStream out) {
        long before = usedAfterGc();
        ShardEngine engine = new ShardEngine(config, "bench", ShardProgress.initial());
        int best = 0;
        long bestKeys = 0;
        for (int i = 0; i < records.size(); i++) {
            engine.process(records.get(i));
            if ((i + 1) % CHECKPOINT_EVERY == 0) {
                engine.takeFiredResults();
                engine.planCheckpoint().ifPresent(engine::commit);
                long keys = engine.stats().keysInState();
                if (keys > bestKeys) {
                    bestKeys = keys;
                    best = i + 1;
                } else if (keys < bestKeys / 2) {
                    break; // a window fired: the peak has passed
                }
            }
        }
        engine = new ShardEngine(config, "bench", ShardProgress.initial());
        for (int i = 0; i < best; i++) {
            engine.process(records.get(i));
            if ((i + 1) % CHECKPOINT_EVERY == 0) {
                engine.takeFiredResults();
                engine.planCheckpoint().ifPresent(engine::commit);
            }
        }
        long held = usedAfterGc() - before;
        EngineStats stats = engine.stats();
        // The planner keeps, per buffered record, a reference and one long per metric (its max-time column).
        long planner = (long) stats.bufferedRecords() * (8 + 8L * config.metrics().size());
        out.printf("state: %,d keys in %d open windows, %,d buffered records; retained heap %,d bytes, of which "
                        + "~%,d for the planner's record buffer; %,.0f bytes per key-window without it%n",
                stats.keysInState(), stats.openWindows(), stats.bufferedRecords(), held, planner,
                (double) (held - planner) / Math.max(1, stats.keysInState()));
        if (engine.stats().recordsProcessed() < 0) {
            throw new IllegalStateException(); // keeps the engine reachable until after the measurement
        }
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double parseRate(List<InputRecord> records, boolean tree) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        double[] rates = new double[4];
        long sink = 0;
        for (int p = 0; p < rates.length; p++) {
            long start = System.nanoTime();
            for (InputRecord record : records) {
                if (tree) {
                    sink += mapper.readTree(record.data()).size();
                } else {
                    try (JsonParser parser = JSON.createParser(record.data())) {
                        while (parser.nextToken() != null) {
                            sink++;
                        }
                    }
                }
            }
            rates[p] = records.size() / ((System.nanoTime() - start) / 1e9);
        }
        if (sink == 42) {
            System.out.print(""); // keeps the parse from being optimised away
        }
        return median(Arrays.copyOfRange(rates, 1, rates.length)); // the first is warm-up
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
