package io.rtpipe.connectors.output;

import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.core.publish.OutputRecord;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code eventbridge} output: PutEvents with source {@value #SOURCE}, detail type {@value #DETAIL_TYPE} and the
 * record's JSON (with its id) as detail, onto the named bus. EventBridge has no deduplication: a rule's target sees
 * a re-sent alert again, with the same id in its detail.
 */
public final class EventBridgeOutput implements OutputTransport {
    public static final String SOURCE = "rtpipe";
    public static final String DETAIL_TYPE = "rtpipe alert";
    /** PutEvents takes 10 entries and 256 KiB per call (source, detail type and detail counted). */
    private static final Batches BATCHES = new Batches("EventBridge event", 10, 256L << 10, 256L << 10,
            record -> Batches.bodyBytes(record) + SOURCE.length()
                    + DETAIL_TYPE.getBytes(StandardCharsets.UTF_8).length);

    private final EventBridgeClient eventBridge;
    private final RetryPolicy retry;

    public EventBridgeOutput(EventBridgeClient eventBridge, RetryPolicy retry) {
        this.eventBridge = eventBridge;
        this.retry = retry;
    }

    @Override
    public void send(String bus, List<OutputRecord> records) {
        for (List<OutputRecord> batch : BATCHES.cut(records)) {
            EntryRetry.deliver("eventbridge bus " + bus, batch, retry, pending -> {
                List<PutEventsRequestEntry> entries = pending.stream().map(record -> PutEventsRequestEntry.builder()
                        .eventBusName(bus).source(SOURCE).detailType(DETAIL_TYPE).detail(record.json())
                        .build()).toList();
                return eventBridge.putEvents(b -> b.entries(entries)).entries().stream()
                        .map(EventBridgeOutput::failure).toList();
            });
        }
    }

    private static String failure(PutEventsResultEntry entry) {
        return entry.errorCode() == null ? null : entry.errorCode() + ": " + entry.errorMessage();
    }
}
