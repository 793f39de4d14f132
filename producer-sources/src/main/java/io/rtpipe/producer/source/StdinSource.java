package io.rtpipe.producer.source;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends each line of a stream (standard input in {@code rtpipe produce --source stdin}) as one event, without its
 * line break; blank lines are skipped. End of input ends the run, which then waits until every sent line was
 * acknowledged or failed. A stream cannot be re-read, so failed lines are counted ({@link #failed()}) and reported by
 * the producer's failure listener; none is dropped silently. Lines longer than {@code maxLineBytes} (default
 * 1,000,000: they could not be one Kinesis record) are skipped and counted too.
 */
public final class StdinSource implements LineSource {

    private final InputStream in;
    private final int maxLineBytes;
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final AtomicLong outstanding = new AtomicLong();
    private final Object settled = new Object();
    private volatile boolean closed;

    public StdinSource(InputStream in) {
        this(in, 1_000_000);
    }

    public StdinSource(InputStream in, int maxLineBytes) {
        this.in = new BufferedInputStream(in, 64 * 1024);
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public long run(AcknowledgingSink sink) throws IOException, InterruptedException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        boolean tooLong = false;
        int b;
        while (!closed && (b = in.read()) != -1) {
            if (b != '\n') {
                if (line.size() < maxLineBytes + 1) {
                    line.write(b);
                } else {
                    tooLong = true;
                }
                continue;
            }
            send(sink, line, tooLong);
            line.reset();
            tooLong = false;
        }
        if (!closed) {
            send(sink, line, tooLong); // a last line without a line break
        }
        synchronized (settled) {
            while (outstanding.get() > 0) {
                settled.wait();
            }
        }
        return acknowledged.sum();
    }

    private void send(AcknowledgingSink sink, ByteArrayOutputStream line, boolean tooLong) throws InterruptedException {
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        if (tooLong || length > maxLineBytes) {
            skipped.increment();
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
