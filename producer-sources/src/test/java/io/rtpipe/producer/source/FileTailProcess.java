package io.rtpipe.producer.source;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The file tail in a process of its own, for tests that kill it with SIGKILL. Delivers to a durable sink: each line is
 * appended to a file and forced to disk before it is acknowledged, as Kinesis stores a record before acknowledging it;
 * a batch takes about 30 ms like a PutRecords round trip, half before it is stored and half after (the answer's way
 * back), so kills catch lines both not yet stored and stored but not yet acknowledged (those are sent again).
 * Arguments: tailed file, state file, sink file.
 */
public final class FileTailProcess {

    public static void main(String[] args) throws Exception {
        Path sinkFile = Path.of(args[2]);
        DurableSink sink = new DurableSink(sinkFile);
        FileTailSource source = FileTailSource.builder(Path.of(args[0]), Path.of(args[1]))
                .pollInterval(Duration.ofMillis(10)).commitInterval(Duration.ZERO).build();
        Runtime.getRuntime().addShutdownHook(new Thread(source::close));
        source.run(sink::send);
    }

    /** Appends lines and acknowledges them after forcing them to disk, in batches every few milliseconds. */
    static final class DurableSink {
        private static final long HALF_ROUND_TRIP_MILLIS = 15;

        private final FileChannel channel;
        private final List<byte[]> lines = new ArrayList<>();
        private final List<CompletableFuture<Void>> outcomes = new ArrayList<>();

        DurableSink(Path file) throws IOException {
            // A kill may have cut the last line short: it was never acknowledged, so drop it.
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                long end = raf.length();
                while (end > 0) {
                    raf.seek(end - 1);
                    if (raf.read() == '\n') {
                        break;
                    }
                    end--;
                }
                raf.setLength(end);
            }
            channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            Thread writer = new Thread(this::writeLoop, "durable-sink");
            writer.setDaemon(true);
            writer.start();
        }

        synchronized CompletableFuture<Void> send(byte[] line) {
            CompletableFuture<Void> outcome = new CompletableFuture<>();
            lines.add(line);
            outcomes.add(outcome);
            return outcome;
        }

        private void writeLoop() {
            try {
                while (true) {
                    List<byte[]> batch;
                    List<CompletableFuture<Void>> acks;
                    synchronized (this) {
                        batch = new ArrayList<>(lines);
                        acks = new ArrayList<>(outcomes);
                        lines.clear();
                        outcomes.clear();
                    }
                    if (batch.isEmpty()) {
                        Thread.sleep(2);
                        continue;
                    }
                    Thread.sleep(HALF_ROUND_TRIP_MILLIS);
                    for (byte[] line : batch) {
                        ByteBuffer buffer = ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
                        while (buffer.hasRemaining()) {
                            channel.write(buffer);
                        }
                    }
                    channel.force(false);
                    Thread.sleep(HALF_ROUND_TRIP_MILLIS);
                    acks.forEach(a -> a.complete(null));
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("the durable test sink failed", e);
            }
        }
    }
}
