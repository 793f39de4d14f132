package io.rtpipe.cli;

import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.ShardEngine;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.reference.ReferenceSpec;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.result.ResultMerger;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs the engine in process over the lines of a file, as one shard would see them in a Kinesis stream (one record
 * per non-blank line, in file order, like {@code rtpipe local --input}), and fires every window at the end of input.
 * The record's sequence number is its line number, so dead letters and late records name their line.
 */
final class FileEngineRun {

    /** Plans (and forgets) the records behind closed windows this often, so memory follows the open windows only. */
    private static final int PLAN_EVERY = 4_096;
    private static final String SHARD = "file";

    /** What a run produced: merged results in metric, window and key order, and the records set aside. */
    record Outcome(List<MergedResult> results, long records, List<DeadLetter> deadLetters, List<LateRecord> late) {}

    private FileEngineRun() {
    }

    /** @param arrivalMillis every record's Kinesis arrival time (a file has none): what ROWTIME and arrival read */
    static Outcome run(EngineConfig config, Path input, long arrivalMillis) throws IOException {
        if (!config.references().isEmpty()) {
            throw new CliException("this command runs no reference tables, and the spec names "
                    + config.references().stream().map(ReferenceSpec::name).collect(Collectors.joining(", "))
                    + ": run it with rtpipe local or rtpipe consume");
        }
        ShardEngine engine = new ShardEngine(config, SHARD, ShardProgress.initial());
        List<WindowResult> fired = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        List<LateRecord> late = new ArrayList<>();
        long records = 0;
        try (BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            String line;
            long lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                engine.process(new InputRecord(RecordPosition.of(Long.toString(lineNumber)), SHARD, arrivalMillis,
                        line.getBytes(StandardCharsets.UTF_8)));
                if (++records % PLAN_EVERY == 0) {
                    settle(engine, fired, deadLetters, late);
                }
            }
        }
        engine.endOfInput();
        settle(engine, fired, deadLetters, late);
        return new Outcome(new ResultMerger(config).merge(fired), records, deadLetters, late);
    }

    /** Takes fired results and the dead and late records of the records no open window needs any more. */
    private static void settle(ShardEngine engine, List<WindowResult> fired, List<DeadLetter> deadLetters,
                               List<LateRecord> late) {
        fired.addAll(engine.takeFiredResults());
        engine.planCheckpoint().ifPresent(plan -> {
            deadLetters.addAll(plan.deadLetters());
            late.addAll(plan.lateRecords());
            engine.commit(plan);
        });
    }
}
