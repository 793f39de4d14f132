package io.rtpipe.connectors.dynamodb;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Which windows of a metric are final: a window {@code [start, end)} is final when every shard that can hold its
 * events has a fired-through mark at or past {@code end}. The shards are every shard of the stream, open or closed
 * (a reshard's parents and children alike: event time says nothing about which of them took an event); a shard
 * whose input ended marks {@code Long.MAX_VALUE}, so a finished closed shard never holds a window back. A shard
 * without a mark (it has seen no valid event for the metric yet) holds every window back: it may still receive one.
 *
 * @param shards every shard of the stream
 * @param marks  per shard, its stored mark for the metric
 */
public record Finality(Set<String> shards, Map<String, Long> marks) {
    public Finality(Collection<String> shards, Map<String, Long> marks) {
        this(Set.copyOf(shards), Map.copyOf(marks));
    }

    public boolean isFinal(Instant windowEnd) {
        long end = windowEnd.toEpochMilli();
        return shards.stream().allMatch(shard -> marks.getOrDefault(shard, Long.MIN_VALUE) >= end);
    }
}
