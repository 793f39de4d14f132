package io.rtpipe.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke runs of {@code rtpipe bench pipeline} and {@code rtpipe bench consumer} with tiny sizes on the emulators:
 * each exits 0 and prints its figures. No figure is checked against a speed (speed is for the README, measured).
 * Tagged {@code bench}: a smoke of measurement commands, not a proof of results, so it runs with {@code -Pbench} only
 * (the pipeline run alone is 70 s of generated load).
 */
@Tag("bench")
class BenchCommandIT {

    @Test
    void pipelinePrintsThroughputAndTheLatencyOfClosedWindows() {
        // 70 s at 50 events/s always crosses a minute boundary 5 s (the lateness) before the end: one window closes.
        String out = run("bench", "pipeline", "--duration", "70s", "--rate", "50", "--shards", "2");

        assertThat(out).contains("produced  3,500 events", "0 failed");
        assertThat(out).containsPattern("consumed  3,500 events \\(0 late, 0 dead letters\\), caught up [0-9.]+ s after the last put: "
                + "[0-9,]+ "
                + "events/s sustained");
        assertThat(out).containsPattern("window-keys: p50 [0-9.]+ s, p99 [0-9.]+ s, max [0-9.]+ s")
                .doesNotContain("never matched");
    }

    @Test
    void consumerPrintsCpuSecondsPerMillionEventsOfBothPasses() {
        String out = run("bench", "consumer", "--events", "20000", "--shards", "2");

        assertThat(out).containsPattern("20,000 events in [0-9,]+ aggregated records");
        assertThat(out).containsPattern("warm-up  20,000 events in [0-9.]+ s: [0-9,]+ events/s, [0-9.]+ CPU-s for "
                + "the JVM = [0-9.]+ CPU-s per million events, of which shard threads [0-9.]+ \\([0-9,]+ windows "
                + "written, [0-9,]+ checkpoints\\)");
        assertThat(out).containsPattern("measured 20,000 events in [0-9.]+ s: .* CPU-s per million events");
    }

    /** Runs the command with stdout captured (and still shown); requires exit code 0. */
    private static String run(String... args) {
        PrintStream original = System.out;
        var captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new TeeStream(captured, original), true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.commandLine().execute(args);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("exit code of rtpipe %s; it printed:%n%s", String.join(" ", args), out).isZero();
        return out;
    }

    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
