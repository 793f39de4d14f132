package io.rtpipe.connectors.output;

import io.rtpipe.core.publish.OutputRecord;

import java.util.List;

/**
 * Sends output records to one kind of AWS target (a stream, delivery stream, function, topic or bus), cutting them
 * into the service's batches and retrying what failed.
 */
public interface OutputTransport {

    /**
     * Sends every record to {@code target}; returns once the service accepted each of them.
     *
     * @throws io.rtpipe.connectors.sink.SinkWriteException if some were still refused after the retry policy's
     *                                                      attempts (naming how many and the last reason)
     * @throws IllegalArgumentException                     if a record is larger than the service takes at all
     */
    void send(String target, List<OutputRecord> records);
}
