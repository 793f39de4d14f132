package io.rtpipe.producer.kinesis;

import io.rtpipe.producer.FailureListener;
import io.rtpipe.producer.RecordFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The default failure listener: logs the first failures one by one, then every 1000th with the running total, so an
 * outage is visible in the log without flooding it. Replace it to route failed records somewhere durable.
 */
final class LoggingFailureListener implements FailureListener {

    private static final Logger LOG = LoggerFactory.getLogger(LoggingFailureListener.class);
    private static final int LOG_EACH_OF_FIRST = 10;
    private static final int THEN_EVERY = 1000;

    private final String streamName;
    private final AtomicLong failures = new AtomicLong();

    LoggingFailureListener(String streamName) {
        this.streamName = streamName;
    }

    @Override
    public void onFailure(RecordFailure failure) {
        long n = failures.incrementAndGet();
        if (n <= LOG_EACH_OF_FIRST || n % THEN_EVERY == 0) {
            LOG.warn("record for stream {} failed ({} failures so far): {}", streamName, n, failure);
        }
    }
}
