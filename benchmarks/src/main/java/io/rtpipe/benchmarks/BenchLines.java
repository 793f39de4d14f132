package io.rtpipe.benchmarks;

import io.rtpipe.core.bench.BenchInput;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Lines of the engine benchmark's input ({@link BenchInput}: 202-byte JSON events), generated into memory. */
final class BenchLines {
    private BenchLines() {
    }

    /** {@code events} records with increasing positions, as one shard would deliver them. */
    static List<InputRecord> records(int events) {
        try {
            Path file = Files.createTempFile("rtpipe-bench", ".jsonl");
            try {
                BenchInput.write(file, events, 10_000, 1);
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                return java.util.stream.IntStream.range(0, lines.size())
                        // Arrival at the end of time: no event lies ahead of it (no max_ahead dead letters).
                        .mapToObj(i -> new InputRecord(RecordPosition.of(String.format("%021d", i + 1)), "pk",
                                MetricSpec.MAX_EVENT_TIME,
                                lines.get(i).getBytes(StandardCharsets.UTF_8)))
                        .toList();
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
