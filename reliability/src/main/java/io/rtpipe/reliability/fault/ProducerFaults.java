package io.rtpipe.reliability.fault;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Producer-side faults Kinesis causes and the emulator does not, injected into the producer's Kinesis client while
 * {@link #start()} is on, per PutRecords call (seeded): the whole call throttled (nothing stored); some entries
 * failed (those entries are not sent, and come back with a throttling or internal-failure error code, as in a partial
 * failure); or the acknowledgement lost (the batch was stored, then the client sees an error, so the retry stores it
 * again: the duplicates event-id de-duplication must absorb).
 */
public final class ProducerFaults implements ExecutionInterceptor {

    private static final ExecutionAttribute<TreeSet<Integer>> DROPPED = new ExecutionAttribute<>("chaos.dropped");
    private static final ExecutionAttribute<Boolean> LOSE_ACK = new ExecutionAttribute<>("chaos.loseAck");

    private final Random random;
    private final AtomicLong throttledCalls = new AtomicLong();
    private final AtomicLong failedEntries = new AtomicLong();
    private final AtomicLong lostAcks = new AtomicLong();
    private volatile boolean on;

    public ProducerFaults(long seed) {
        this.random = new Random(seed);
    }

    public void start() {
        on = true;
    }

    public void stop() {
        on = false;
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        if (!on || !(context.request() instanceof PutRecordsRequest request)) {
            return context.request();
        }
        double roll;
        TreeSet<Integer> dropped = new TreeSet<>();
        synchronized (random) {
            roll = random.nextDouble();
            if (roll >= 0.1 && roll < 0.3) {
                for (int i = 0; i < request.records().size(); i++) {
                    if (random.nextDouble() < 0.3) {
                        dropped.add(i);
                    }
                }
            }
        }
        if (roll < 0.1) {
            throttledCalls.incrementAndGet();
            throw ProvisionedThroughputExceededException.builder().statusCode(400)
                    .message("Rate exceeded for stream (injected by the chaos suite)")
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException")
                            .errorMessage("Rate exceeded for stream (injected by the chaos suite)").build())
                    .build();
        }
        if (roll < 0.3 && !dropped.isEmpty() && dropped.size() < request.records().size()) {
            attributes.putAttribute(DROPPED, dropped);
            List<PutRecordsRequestEntry> kept = new ArrayList<>();
            for (int i = 0; i < request.records().size(); i++) {
                if (!dropped.contains(i)) {
                    kept.add(request.records().get(i));
                }
            }
            return request.toBuilder().records(kept).build();
        }
        if (roll >= 0.3 && roll < 0.4) {
            attributes.putAttribute(LOSE_ACK, Boolean.TRUE);
        }
        return request;
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (!(context.response() instanceof PutRecordsResponse response)) {
            return context.response();
        }
        if (Boolean.TRUE.equals(attributes.getAttribute(LOSE_ACK))) {
            lostAcks.incrementAndGet();
            throw SdkClientException.create("the acknowledgement was lost (injected by the chaos suite; the records "
                    + "were stored)");
        }
        TreeSet<Integer> dropped = attributes.getAttribute(DROPPED);
        if (dropped == null) {
            return response;
        }
        List<PutRecordsResultEntry> entries = new ArrayList<>();
        int next = 0;
        int total = response.records().size() + dropped.size();
        for (int i = 0; i < total; i++) {
            if (dropped.contains(i)) {
                boolean throttled = i % 2 == 0;
                entries.add(PutRecordsResultEntry.builder()
                        .errorCode(throttled ? "ProvisionedThroughputExceededException" : "InternalFailure")
                        .errorMessage("injected by the chaos suite").build());
            } else {
                entries.add(response.records().get(next++));
            }
        }
        failedEntries.addAndGet(dropped.size());
        int failed = (response.failedRecordCount() == null ? 0 : response.failedRecordCount()) + dropped.size();
        return response.toBuilder().records(entries).failedRecordCount(failed).build();
    }

    public long throttledCalls() {
        return throttledCalls.get();
    }

    public long failedEntries() {
        return failedEntries.get();
    }

    public long lostAcknowledgements() {
        return lostAcks.get();
    }

    @Override
    public String toString() {
        return throttledCalls() + " calls throttled, " + failedEntries() + " entries failed, " + lostAcknowledgements()
                + " acknowledgements lost";
    }
}
