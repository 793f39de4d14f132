package io.rtpipe.producer.source;

import io.rtpipe.core.metric.MetricSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Follows a text file line by line, as {@code tail -F} and Flume's TAILDIR source do: sends every complete line
 * (without its line break; a line still missing its {@code \n} waits until it is complete), follows appends, rotation
 * by rename (finishes the renamed file, then opens the new one) and copytruncate (starts over when the file shrinks).
 *
 * <p>Its position (file key and offset, see {@link TailPosition}) is written to the state file only after every line
 * before that offset was acknowledged, so after a crash it resumes where the acknowledged lines end: nothing is lost.
 * Lines acknowledged after the last state write are sent again: no write order can avoid that (the process can die
 * between Kinesis' acknowledgement and the state write). So every line carries an event id derived from where it is,
 * {@code <fileKey>:<truncations>:<offset>} (the file's key, how often the source saw that file truncated, the byte
 * offset where the line starts): a line sent again gets the same id and the same bytes, and the consumer's event-id
 * de-duplication counts it once. A line that is one JSON object without the event-id field (default
 * {@value MetricSpec#DEFAULT_DEDUP_FIELD}, the consumer's default) gets the field inserted after its opening brace;
 * other lines are sent unchanged (see {@link LineEventIds}), so only JSON lines are delivered exactly once. The
 * consumer de-duplicates per shard: route lines by a key derived from them, such as the event id
 * (the default {@link io.rtpipe.producer.partition.PartitionRule}), never a random one, so a copy lands on its
 * original's shard.
 * After a restart it finds a file that was rotated meanwhile by its file key among the files next to it whose names
 * start with the tailed file's name (for example {@code app.log.1}), finishes it, then continues with the new file.
 * Limits: files rotated more than once while the source was down are skipped except the one it was reading; with
 * copytruncate, lines written between the last read and the truncation are lost (inherent to copytruncate).
 */
public final class FileTailSource implements LineSource {

    private static final Logger LOG = LoggerFactory.getLogger(FileTailSource.class);
    private static final int READ_BYTES = 64 * 1024;

    private final Path file;
    private final Path stateFile;
    private final long pollNanos;
    private final long commitIntervalNanos;
    private final int maxLineBytes;
    private final LongAdder skipped = new LongAdder();
    private final LineEventIds eventIds;
    private volatile boolean closed;

    /** A line handed to the sink: its outcome and the position just after it. */
    private record Sent(CompletableFuture<?> outcome, TailPosition end) {
    }

    private final ArrayDeque<Sent> unacknowledged = new ArrayDeque<>();
    /** Just after the last line of the unbroken run of acknowledged lines; written to the state file when due. */
    private TailPosition acknowledged;
    /** What the state file holds. */
    private TailPosition committed;
    private long lastCommitNanos;

    private FileTailSource(Builder b) {
        this.file = Objects.requireNonNull(b.file, "file");
        this.stateFile = Objects.requireNonNull(b.stateFile, "stateFile");
        this.pollNanos = b.pollInterval.toNanos();
        this.commitIntervalNanos = b.commitInterval.toNanos();
        this.maxLineBytes = b.maxLineBytes;
        this.eventIds = b.eventIdField == null ? null : new LineEventIds(b.eventIdField);
    }

    /**
     * Defaults: poll every 100 ms at the end of the file, write the state at most every 200 ms (and at close), lines
     * of at most 1,000,000 bytes (longer ones are skipped with a warning and counted in {@link #skipped()}: they could
     * not be one Kinesis record), event
     * ids in the field {@value MetricSpec#DEFAULT_DEDUP_FIELD} of JSON-object lines.
     */
    public static Builder builder(Path file, Path stateFile) {
        return new Builder(file, stateFile);
    }

    @Override
    public long run(AcknowledgingSink sink) throws Exception {
        Optional<TailPosition> saved = TailPosition.load(stateFile);
        committed = saved.orElse(null);
        acknowledged = committed;
        long delivered = 0;
        Tailed current = openAtStart(saved);
        try {
            while (!closed && !Thread.currentThread().isInterrupted()) {
                if (current == null) {
                    current = openIfPresent(file, 0, 0);
                    if (current == null) {
                        commit(false);
                        TimeUnit.NANOSECONDS.sleep(pollNanos);
                        continue;
                    }
                }
                int sent = current.readLines(sink);
                delivered += sent;
                commit(false);
                if (sent > 0 || current.readSomething) {
                    continue;
                }
                String pathKey = fileKeyOrNull(file);
                if (pathKey != null && !pathKey.equals(current.fileKey)) {
                    // Rotated by rename: the old file is complete; its unterminated last line is final now.
                    do {
                        delivered += current.readLines(sink);
                        commit(false);
                    } while (current.readSomething);
                    delivered += current.sendPartialLine(sink);
                    LOG.info("{} was rotated; finished the old file at offset {}", file, current.offset);
                    current.close();
                    current = openIfPresent(file, 0, 0);
                } else if (pathKey != null && Files.size(file) < current.offset) {
                    LOG.info("{} shrank below offset {} (copytruncate); reading it from the start", file,
                            current.offset);
                    current.restartFromZero();
                } else {
                    TimeUnit.NANOSECONDS.sleep(pollNanos);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (current != null) {
                current.close();
            }
        }
        awaitOutcomes();
        commit(true);
        return delivered;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public int maxLineBytes() {
        return maxLineBytes;
    }

    @Override
    public long skipped() {
        return skipped.sum();
    }

    /** Where to start: the saved position in the saved file (found by key, also after a rotation), else the start. */
    private Tailed openAtStart(Optional<TailPosition> saved) throws IOException {
        if (saved.isEmpty()) {
            return openIfPresent(file, 0, 0);
        }
        TailPosition position = saved.get();
        Path holder = findByKey(position.fileKey());
        if (holder == null) {
            LOG.warn("the file {} was reading ({}) is gone; starting {} from the beginning", stateFile,
                    position.fileKey(), file);
            return openIfPresent(file, 0, 0);
        }
        long size = Files.size(holder);
        if (size < position.offset()) {
            LOG.info("{} shrank below the saved offset {} while stopped (copytruncate); reading it from the start",
                    holder, position.offset());
            return openIfPresent(holder, position.truncations() + 1, 0);
        }
        return openIfPresent(holder, position.truncations(), position.offset());
    }

    private Path findByKey(String fileKey) throws IOException {
        if (fileKey.equals(fileKeyOrNull(file))) {
            return file;
        }
        Path dir = file.toAbsolutePath().getParent();
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(dir, file.getFileName() + "*")) {
            for (Path sibling : siblings) {
                if (fileKey.equals(fileKeyOrNull(sibling))) {
                    return sibling;
                }
            }
        }
        return null;
    }

    private Tailed openIfPresent(Path path, long truncations, long offset) throws IOException {
        try {
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
            // The key of the opened file: read through the path right after opening, then kept with the channel.
            String key = fileKeyOrNull(path);
            if (key == null) {
                channel.close();
                return null;
            }
            return new Tailed(channel, key, truncations, offset);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static String fileKeyOrNull(Path path) throws IOException {
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            if (key == null) {
                throw new IOException("The file system of " + path + " has no file keys (inodes), which the file"
                        + " tail needs to follow rotation.");
            }
            return key.toString();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Sends the line {@code [start, end)} of the file with its event id. */
    private void send(AcknowledgingSink sink, byte[] line, String fileKey, long truncations, long start, long end)
            throws InterruptedException {
        byte[] event = eventIds == null ? line : eventIds.stamp(line, fileKey + ":" + truncations + ":" + start);
        unacknowledged.add(new Sent(sink.send(event), new TailPosition(fileKey, truncations, end)));
    }

    /** Advances the acknowledged position over acknowledged lines and writes it when due (or when forced). */
    private void commit(boolean force) throws IOException {
        while (!unacknowledged.isEmpty() && unacknowledged.peek().outcome().isDone()) {
            Sent head = unacknowledged.peek();
            if (head.outcome().isCompletedExceptionally()) {
                String why;
                try {
                    head.outcome().get();
                    why = "unknown";
                } catch (ExecutionException | InterruptedException e) {
                    why = String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e);
                }
                storeIfChanged(acknowledged);
                throw new IOException("The line of " + file + " ending at offset " + head.end().offset()
                        + " was not delivered (" + why + "); the position stays before it, restart to send it again.");
            }
            unacknowledged.poll();
            acknowledged = head.end();
        }
        long now = System.nanoTime();
        if (force || now - lastCommitNanos >= commitIntervalNanos) {
            storeIfChanged(acknowledged);
            lastCommitNanos = now;
        }
    }

    private void storeIfChanged(TailPosition position) throws IOException {
        if (position != null && !position.equals(committed)) {
            position.store(stateFile);
            committed = position;
        }
    }

    private void awaitOutcomes() throws IOException {
        for (Sent sent : unacknowledged) {
            try {
                sent.outcome().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                return; // commit reports it
            }
        }
    }

    /** One open file being read: channel, identity, read offset, and the start of a line still missing its end. */
    private final class Tailed {
        private final FileChannel channel;
        private final String fileKey;
        private long truncations;
        private final ByteBuffer buffer = ByteBuffer.allocate(READ_BYTES);
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private long offset;
        private boolean skippingLongLine;
        boolean readSomething;

        Tailed(FileChannel channel, String fileKey, long truncations, long offset) {
            this.channel = channel;
            this.fileKey = fileKey;
            this.truncations = truncations;
            this.offset = offset;
        }

        /** Reads one buffer from the offset and sends the lines it completes; returns how many were sent. */
        int readLines(AcknowledgingSink sink) throws IOException, InterruptedException {
            buffer.clear();
            int n = channel.read(buffer, offset + partial.size());
            readSomething = n > 0;
            if (n <= 0) {
                return 0;
            }
            byte[] bytes = buffer.array();
            int lineStart = 0;
            int sent = 0;
            for (int i = 0; i < n; i++) {
                if (bytes[i] != '\n') {
                    continue;
                }
                long end = offset + partial.size() + (i + 1 - lineStart);
                byte[] line = lineBytes(bytes, lineStart, i);
                if (line != null && line.length > 0) {
                    send(sink, line, fileKey, truncations, offset, end);
                    sent++;
                }
                offset = end;
                partial.reset();
                skippingLongLine = false;
                lineStart = i + 1;
            }
            appendPartial(bytes, lineStart, n);
            return sent;
        }

        /** The line from the partial bytes plus {@code bytes[from, to)}, without a trailing CR; null if skipped. */
        private byte[] lineBytes(byte[] bytes, int from, int to) {
            if (skippingLongLine || partial.size() + (to - from) > maxLineBytes) {
                skipped.increment();
                LOG.warn("skipping a line of {} longer than {} bytes ending at offset {}", file, maxLineBytes,
                        offset + partial.size() + (to - from));
                return null;
            }
            byte[] line;
            if (partial.size() == 0) {
                line = Arrays.copyOfRange(bytes, from, to);
            } else {
                partial.write(bytes, from, to - from);
                line = partial.toByteArray();
            }
            int length = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
            return length == line.length ? line : Arrays.copyOf(line, length);
        }

        private void appendPartial(byte[] bytes, int from, int to) {
            if (skippingLongLine) {
                offsetSkipped(to - from);
                return;
            }
            partial.write(bytes, from, to - from);
            if (partial.size() > maxLineBytes) {
                // Keep counting its bytes but stop holding them: the line is skipped when its end arrives.
                skippingLongLine = true;
                offsetSkipped(partial.size());
                partial.reset();
            }
        }

        private void offsetSkipped(int bytes) {
            offset += bytes;
        }

        /** Sends a last line that has no line break (the file is complete); returns 1 if one was sent. */
        int sendPartialLine(AcknowledgingSink sink) throws InterruptedException {
            if (partial.size() == 0 || skippingLongLine) {
                return 0;
            }
            long end = offset + partial.size();
            send(sink, partial.toByteArray(), fileKey, truncations, offset, end);
            offset = end;
            partial.reset();
            return 1;
        }

        void restartFromZero() {
            truncations++;
            offset = 0;
            partial.reset();
            skippingLongLine = false;
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static final class Builder {
        private final Path file;
        private final Path stateFile;
        private Duration pollInterval = Duration.ofMillis(100);
        private Duration commitInterval = Duration.ofMillis(200);
        private int maxLineBytes = 1_000_000;
        private String eventIdField = MetricSpec.DEFAULT_DEDUP_FIELD;

        private Builder(Path file, Path stateFile) {
            this.file = file;
            this.stateFile = stateFile;
        }

        public Builder pollInterval(Duration interval) {
            this.pollInterval = interval;
            return this;
        }

        public Builder commitInterval(Duration interval) {
            this.commitInterval = interval;
            return this;
        }

        public Builder maxLineBytes(int bytes) {
            this.maxLineBytes = bytes;
            return this;
        }

        /**
         * The top-level field that carries each JSON line's event id (the consumer's dedup field); null sends every
         * line unchanged (then lines sent again after a crash are counted again).
         *
         * @throws IllegalArgumentException for a nested path or a name with whitespace
         */
        public Builder eventIdField(String field) {
            if (field != null && (field.isEmpty() || field.contains(".")
                    || field.chars().anyMatch(Character::isWhitespace))) {
                throw new IllegalArgumentException("The event-id field must be one top-level field name (no dots, no"
                        + " whitespace), got '" + field + "'.");
            }
            this.eventIdField = field;
            return this;
        }

        public FileTailSource build() {
            return new FileTailSource(this);
        }
    }
}
