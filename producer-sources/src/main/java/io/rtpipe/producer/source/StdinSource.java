package io.rtpipe.producer.source;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Sends each line of a stream (standard input in {@code rtpipe produce --source stdin}) as one event, without its
 * line break; blank lines are skipped. End of input ends the run, which then waits until every sent line was
 * acknowledged or failed. A stream cannot be re-read, so failed lines are counted ({@link #failed()}) and reported by
 * the producer's failure listener; none is dropped silently. Lines longer than {@code maxLineBytes} (default
 * 1,000,000: they could not be one Kinesis record) are skipped and counted too, and each is handed to the
 * {@link SkippedLine} listener with its line number, so a caller can keep it (rtpipe local dead-letters it).
 */
public final class StdinSource implements LineSource {

    /**
     * A line that was not sent for being longer than {@code maxLineBytes}.
     *
     * @param lineNumber its number in the input, from 1, counting every line (blank ones too) as an editor does
     * @param bytes      its full length without the line break
     * @param head       its first {@code maxLineBytes + 1} bytes: memory stays bounded however long a line is
     */
    public record SkippedLine(long lineNumber, long bytes, byte[] head) {}

    private final InputStream in;
    private final int maxLineBytes;
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final AtomicLong outstanding = new AtomicLong();
    private final Consumer<SkippedLine> skippedLines;
    private final Object settled = new Object();
    private volatile boolean closed;

    public StdinSource(InputStream in) {
        this(in, 1_000_000);
    }

    public StdinSource(InputStream in, int maxLineBytes) {
        this(in, maxLineBytes, skipped -> { });
    }

    /** @param skippedLines called on the reading thread for each line too long to send */
    public StdinSource(InputStream in, int maxLineBytes, Consumer<SkippedLine> skippedLines) {
        this.in = new BufferedInputStream(in, 64 * 1024);
        this.maxLineBytes = maxLineBytes;
        this.skippedLines = skippedLines;
    }

    @Override
    public long run(AcknowledgingSink sink) throws IOException, InterruptedException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        long length = 0;
        long lineNumber = 1;
        int b;
        while (!closed && (b = in.read()) != -1) {
            if (b != '\n') {
                if (line.size() < maxLineBytes + 1) {
                    line.write(b);
                }
                length++;
                continue;
            }
            send(sink, line, length, lineNumber++);
            line.reset();
            length = 0;
        }
        if (!closed) {
            send(sink, line, length, lineNumber); // a last line without a line break
        }
        synchronized (settled) {
            while (outstanding.get() > 0) {
                settled.wait();
            }
        }
        return acknowledged.sum();
    }

    private void send(AcknowledgingSink sink, ByteArrayOutputStream line, long fullLength, long lineNumber)
            throws InterruptedException {
        byte[] bytes = line.toByteArray();
        boolean crlf = bytes.length > 0 && bytes.length == fullLength && bytes[bytes.length - 1] == '\r';
        int length = crlf ? bytes.length - 1 : bytes.length;
        if (fullLength > bytes.length || length > maxLineBytes) {
            skipped.increment();
            skippedLines.accept(new SkippedLine(lineNumber, fullLength, bytes));
            return;
        }
        if (isBlank(bytes, length)) {
            return;
        }
        byte[] event = length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length);
        outstanding.incrementAndGet();
        sink.send(event).whenComplete((result, error) -> {
            (error == null ? acknowledged : failed).increment();
            if (outstanding.decrementAndGet() == 0) {
                synchronized (settled) {
                    settled.notifyAll();
                }
            }
        });
    }

    private static boolean isBlank(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    /** Lines acknowledged so far. */
    public long acknowledged() {
        return acknowledged.sum();
    }

    /** Lines that failed after the producer's retries (the failure listener got each). */
    public long failed() {
        return failed.sum();
    }

    @Override
    public int maxLineBytes() {
        return maxLineBytes;
    }

    @Override
    public long skipped() {
        return skipped.sum();
    }

    /** Stops reading at the next line; a read already waiting for input returns only when input or EOF comes. */
    @Override
    public void close() {
        closed = true;
    }
}
