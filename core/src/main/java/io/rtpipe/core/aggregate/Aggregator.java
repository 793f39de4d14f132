package io.rtpipe.core.aggregate;

import java.util.Set;

/**
 * One configured aggregate function (for example "the 0.99 quantile with 1% relative accuracy"). Immutable and
 * thread-safe; the per-window state lives in the {@link AggregateState}s it creates.
 * <p>
 * Shards write absolute partials ({@link AggregateState#partial()}); readers merge the partials of all shards with
 * {@link #mergePartials} in any order and call {@link #result} on the merged partial.
 */
public interface Aggregator {

    /** The function's name in specs, e.g. "sum". */
    String fn();

    /** Which values the engine passes to the state's add methods. */
    ValueInput input();

    /**
     * Upper bounds on one state's heap, for the memory budget, when no value handed to it is longer than
     * {@code valueBytes} (strings; numbers are 8 bytes). The default assumes a state keeps every value it is handed
     * (64 bytes, plus 16 and the value per value, unbounded): override it with the function's real bounds.
     */
    default StateSize stateSize(int valueBytes) {
        return new StateSize(64, 16L + valueBytes, Long.MAX_VALUE);
    }

    /**
     * The parameters whose lower values make {@link #stateSize} smaller (distinct's {@code lg_k}, topk's {@code k}):
     * what the memory budget's refusal tells the user to lower. Default: none.
     */
    default Set<String> sizeParameters() {
        return Set.of();
    }

    /** Fresh state for a new window and key. */
    AggregateState newState();

    /**
     * Fresh state for a new window and key on a shard, for functions that draw random numbers: {@code seed} is a
     * hash of the metric, aggregate, key, shard and window start, so a replay draws the same numbers.
     */
    default AggregateState newState(long seed) {
        return newState();
    }

    /**
     * A state equal to the one that produced {@code partial}. Numbers may come back from a store as any
     * {@link Number} type (DynamoDB returns BigDecimal); null stands for an empty state.
     *
     * @throws IllegalArgumentException if {@code partial} is not a partial of this aggregator
     */
    AggregateState fromPartial(Object partial);

    /**
     * Whether {@link #fromPartial} of a state's partial goes on exactly as that state would, which window-state
     * snapshots rely on (they store partials). False for a function whose partial only summarizes its state
     * (random_cut_forest: the forest is not in it): the shards of a spec using one keep the replay rule, checkpoints
     * before the oldest open window's first record.
     */
    default boolean restoresFromPartial() {
        return true;
    }

    /** Merges two partials of this aggregator; associative and commutative. */
    default Object mergePartials(Object left, Object right) {
        AggregateState merged = fromPartial(left);
        merged.merge(fromPartial(right));
        return merged.partial();
    }

    /** The final value of a (merged) partial. */
    default Object result(Object partial) {
        return fromPartial(partial).result();
    }
}
