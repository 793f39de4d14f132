package io.rtpipe.cli.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops log lines known to say nothing to a user. KCL 2.7.2's {@code Scheduler.shutdown()} warns "Shutdown requested
 * a second time." whenever it is called again, and its own graceful-shutdown task calls it after the consumer's
 * bounded graceful stop has already ended the worker (the normal Ctrl-C or SIGTERM path): the warning is about
 * KCL's bookkeeping, not about anything the user did.
 */
public final class KnownNoiseFilter extends Filter<ILoggingEvent> {

    @Override
    public FilterReply decide(ILoggingEvent event) {
        boolean secondShutdown = event.getLoggerName().equals("software.amazon.kinesis.coordinator.Scheduler")
                && "Shutdown requested a second time.".equals(event.getMessage());
        return secondShutdown ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
