package io.rtpipe.producer.kinesis;

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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Breaks PutRecords on purpose, the way real Kinesis does, and keeps the ground truth of what it did:
 * <ul>
 *   <li>entry failures: chosen entries are removed from the request (so Kinesis never stores them) and put back
 *       into the response as ProvisionedThroughputExceededException, exactly like a partial failure;</li>
 *   <li>whole-request failures: the call fails before it is sent;</li>
 *   <li>lost acknowledgements: the call is sent and stored, then its response is replaced by an error.</li>
 * </ul>
 * Counts per event id how often the producer put it and how often a failure was injected for it.
 */
final class FaultInjector implements ExecutionInterceptor {

    /** Decides the fate of the n-th PutRecords call (0-based). */
    enum RequestFault { NONE, FAIL_BEFORE_SENDING, LOSE_RESPONSE }

    interface Plan {
        RequestFault forRequest(int requestIndex);

        /** Whether to fail this entry's {@code attempt}-th put (1-based) with ProvisionedThroughputExceeded. */
        boolean failEntry(String eventId, int attempt);
    }

    private static final ExecutionAttribute<List<Integer>> REMOVED = new ExecutionAttribute<>("rtpipe.removed");
    private static final ExecutionAttribute<Boolean> LOSE = new ExecutionAttribute<>("rtpipe.lose");

    private final Plan plan;
    private final AtomicInteger requests = new AtomicInteger();
    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> injectedFailures = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> lostAcks = new ConcurrentHashMap<>();
    final AtomicInteger failedRequests = new AtomicInteger();

    FaultInjector(Plan plan) {
        this.plan = plan;
    }

    static Predicate<String> everyNth(int n) {
        return id -> Math.floorMod(id.hashCode(), n) == 0;
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        if (!(context.request() instanceof PutRecordsRequest request)) {
            return context.request();
        }
        List<String> ids = new ArrayList<>();
        for (PutRecordsRequestEntry entry : request.records()) {
            String id = StreamReader.eventId(entry.data().asByteArray());
            ids.add(id);
            attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        }
        RequestFault fault = plan.forRequest(requests.getAndIncrement());
        if (fault == RequestFault.FAIL_BEFORE_SENDING) {
            ids.forEach(id -> injectedFailures.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet());
            failedRequests.incrementAndGet();
            throw SdkClientException.create("injected: connection reset before the request was sent");
        }
        if (fault == RequestFault.LOSE_RESPONSE) {
            ids.forEach(id -> {
                injectedFailures.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                lostAcks.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            });
            failedRequests.incrementAndGet();
            attributes.putAttribute(LOSE, true);
            return request;
        }
        List<Integer> removed = new ArrayList<>();
        List<PutRecordsRequestEntry> kept = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            boolean lastStanding = kept.isEmpty() && i == ids.size() - 1; // PutRecords needs at least one entry
            if (!lastStanding && plan.failEntry(id, attempts.get(id).get())) {
                removed.add(i);
                injectedFailures.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            } else {
                kept.add(request.records().get(i));
            }
        }
        if (removed.isEmpty()) {
            return request;
        }
        attributes.putAttribute(REMOVED, removed);
        return request.toBuilder().records(kept).build();
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (Boolean.TRUE.equals(attributes.getAttribute(LOSE))) {
            throw SdkClientException.create("injected: response lost after Kinesis stored the records");
        }
        List<Integer> removed = attributes.getAttribute(REMOVED);
        if (removed == null || !(context.response() instanceof PutRecordsResponse response)) {
            return context.response();
        }
        List<PutRecordsResultEntry> results = new ArrayList<>(response.records());
        PutRecordsResultEntry throttled = PutRecordsResultEntry.builder()
                .errorCode("ProvisionedThroughputExceededException")
                .errorMessage("Rate exceeded for shard (injected)").build();
        for (int position : removed) { // ascending: each insert lands at its original index
            results.add(position, throttled);
        }
        int failed = (response.failedRecordCount() == null ? 0 : response.failedRecordCount()) + removed.size();
        return response.toBuilder().records(results).failedRecordCount(failed).build();
    }
}
