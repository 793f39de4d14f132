package io.rtpipe.benchmarks;

import io.rtpipe.core.event.EventDecoder;
import io.rtpipe.core.event.EventFields;
import io.rtpipe.core.event.FieldSelection;
import io.rtpipe.core.event.JsonEventDecoder;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.record.InputRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decoding one benchmark line with the JSON decoder, extracting what the count-sum-distinct-p99 spec reads (ts, page,
 * amount, user_id; the other four fields are skipped).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JsonDecodeBenchmark {
    private List<InputRecord> records;
    private EventDecoder decoder;
    private EventFields fields;
    private int next;

    @Setup
    public void setUp() {
        records = BenchLines.records(10_000);
        FieldSelection selection = new FieldSelection.Builder().path(FieldPath.parse("ts"))
                .path(FieldPath.parse("page")).path(FieldPath.parse("amount")).path(FieldPath.parse("user_id"))
                .build();
        decoder = new JsonEventDecoder(selection);
        fields = new EventFields(selection);
    }

    /** Returns the decode result (null = decoded) so the work cannot be eliminated. */
    @Benchmark
    public String decode() {
        InputRecord record = records.get(next);
        next = next + 1 == records.size() ? 0 : next + 1;
        return decoder.decode(record.data(), fields);
    }
}
