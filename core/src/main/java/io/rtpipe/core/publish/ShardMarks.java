package io.rtpipe.core.publish;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * A metric's fired-through marks over the stream's shards: every shard, open or closed (event time says nothing
 * about which of a reshard's parents and children took an event), and per shard its stored mark (epoch millis:
 * every window ending at or before it has fired there and is written; {@code Long.MAX_VALUE} once its input ended).
 * A shard without a mark holds every window back: it may still receive an event.
 */
public record ShardMarks(Set<String> shards, Map<String, Long> marks) {
    public ShardMarks(Collection<String> shards, Map<String, Long> marks) {
        this(Set.copyOf(shards), Map.copyOf(marks));
    }

    /**
     * The time through which every window has fired on every shard: each window ending at or before it is final.
     * {@code Long.MIN_VALUE} when some shard has no mark, or there are no shards.
     */
    public long firedThrough() {
        return shards.stream().mapToLong(shard -> marks.getOrDefault(shard, Long.MIN_VALUE)).min()
                .orElse(Long.MIN_VALUE);
    }
}
