package io.rtpipe.cli.local;

import io.rtpipe.consumer.ConsumerStats;
import io.rtpipe.consumer.KclConsumer;

import java.io.PrintStream;

/**
 * A live status line on stderr while the pipeline runs: produced, consumed, lag, windows written. Rewritten in place
 * on a terminal; one line every few seconds when stderr is a file or a pipe.
 */
final class ProgressLine implements AutoCloseable {

    private static final long TERMINAL_PERIOD_MILLIS = 500;
    private static final long LOG_PERIOD_MILLIS = 5_000;

    private final PrintStream err;
    private final LocalRun.Produced produced;
    private final KclConsumer consumer;
    private final boolean terminal = System.console() != null;
    private final long startedNanos = System.nanoTime();
    private final Thread thread;
    private volatile String phase = "producing";
    private volatile boolean running = true;

    private ProgressLine(PrintStream err, LocalRun.Produced produced, KclConsumer consumer) {
        this.err = err;
        this.produced = produced;
        this.consumer = consumer;
        this.thread = new Thread(this::loop, "rtpipe-progress");
        this.thread.setDaemon(true);
    }

    static ProgressLine start(PrintStream err, LocalRun.Produced produced, KclConsumer consumer) {
        ProgressLine line = new ProgressLine(err, produced, consumer);
        line.thread.start();
        return line;
    }

    void phase(String phase) {
        this.phase = phase;
    }

    private void loop() {
        long period = terminal ? TERMINAL_PERIOD_MILLIS : LOG_PERIOD_MILLIS;
        while (running) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            if (running) {
                print();
            }
        }
    }

    private synchronized void print() {
        ConsumerStats.Snapshot stats = consumer.stats();
        long acked = produced.acked.get();
        String text = String.format("[%3ds %-9s] produced %,d (failed %,d) | consumed %,d | lag %,d | windows %,d"
                        + " | dead letters %,d",
                (System.nanoTime() - startedNanos) / 1_000_000_000L, phase, acked, produced.failed.get(),
                stats.recordsConsumed(), Math.max(0, acked - stats.recordsConsumed()), stats.windowsWritten(),
                stats.deadLetters());
        if (terminal) {
            err.print("\r" + text + "\u001b[K");
        } else {
            err.println(text);
        }
        err.flush();
    }

    /** Prints the final state and ends the line. Idempotent. */
    synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        thread.interrupt();
        print();
        if (terminal) {
            err.println();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
