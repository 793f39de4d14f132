package io.rtpipe.reliability.verify;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Watches a KCL lease table from outside the workers (a consistent scan every 200 ms on a thread of its own) and
 * answers timing questions about it afterwards: when did another worker own a shard, when did a shard's checkpoint
 * move, did any checkpoint move while a sink was down.
 */
public final class LeaseWatch implements AutoCloseable {

    /** A shard's lease at one moment. */
    public record Lease(String owner, String checkpoint) {}

    private record Snapshot(Instant at, Map<String, Lease> leases) {}

    private static final long POLL_MILLIS = 200;

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final List<Snapshot> history = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closed;

    public LeaseWatch(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.thread = new Thread(this::run, "lease-watch-" + table);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!closed) {
            try {
                Map<String, Lease> leases = new HashMap<>();
                for (Map<String, AttributeValue> item : dynamoDb.scanPaginator(b -> b.tableName(table)
                        .consistentRead(true)).items()) {
                    AttributeValue owner = item.get("leaseOwner");
                    AttributeValue checkpoint = item.get("checkpoint");
                    AttributeValue sub = item.get("checkpointSubSequenceNumber");
                    leases.put(item.get("leaseKey").s(), new Lease(owner == null ? null : owner.s(),
                            (checkpoint == null ? "" : checkpoint.s()) + (sub == null ? "" : "/" + sub.n())));
                }
                synchronized (history) {
                    history.add(new Snapshot(Instant.now(), leases));
                }
            } catch (RuntimeException e) {
                // The table may not exist yet, or DynamoDB is briefly busy: try again on the next tick.
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The shards {@code owner} holds in the newest snapshot. */
    public Set<String> shardsOwnedBy(String owner) {
        Set<String> shards = new TreeSet<>();
        latest().leases().forEach((shard, lease) -> {
            if (owner.equals(lease.owner())) {
                shards.add(shard);
            }
        });
        return shards;
    }

    /** Waits until some snapshot satisfies {@code done}, up to {@code timeout}. */
    public boolean await(java.util.function.Predicate<Map<String, Lease>> done, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Snapshot s = latestOrNull();
            if (s != null && done.test(s.leases())) {
                return true;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return false;
    }

    /**
     * How long after {@code from} every one of {@code shards} had a checkpoint other than the one it had at
     * {@code from} (a shard without a lease then: a checkpoint at a record, not TRIM_HORIZON); empty if that never
     * happened.
     */
    public Optional<Duration> untilCheckpointsMoved(Instant from, Set<String> shards) {
        Map<String, Lease> before = at(from);
        return firstAfter(from, leases -> shards.stream().allMatch(shard -> {
            Lease now = leases.get(shard);
            Lease then = before.get(shard);
            return now != null && (then == null ? atRecord(now.checkpoint())
                    : !now.checkpoint().equals(then.checkpoint()));
        }));
    }

    /** A checkpoint at a sequence number (or SHARD_END), not one of KCL's starting positions. */
    private static boolean atRecord(String checkpoint) {
        return !checkpoint.isEmpty() && (Character.isDigit(checkpoint.charAt(0)) || checkpoint.startsWith("SHARD_END"));
    }

    /** How long after {@code from} every one of {@code shards} was owned by a worker other than {@code formerOwner}. */
    public Optional<Duration> untilOwnedByOthers(Instant from, Set<String> shards, String formerOwner) {
        return firstAfter(from, leases -> shards.stream().allMatch(shard -> {
            Lease lease = leases.get(shard);
            return lease != null && lease.owner() != null && !lease.owner().equals(formerOwner);
        }));
    }

    /** Shards whose checkpoint changed between two snapshots taken within {@code [from, to]}. */
    public Set<String> checkpointsMovedBetween(Instant from, Instant to) {
        Set<String> moved = new TreeSet<>();
        Map<String, Lease> previous = null;
        for (Snapshot s : snapshots()) {
            if (s.at().isBefore(from) || s.at().isAfter(to)) {
                continue;
            }
            if (previous != null) {
                for (var e : s.leases().entrySet()) {
                    Lease was = previous.get(e.getKey());
                    if (was != null && !was.checkpoint().equals(e.getValue().checkpoint())) {
                        moved.add(e.getKey());
                    }
                }
            }
            previous = s.leases();
        }
        return moved;
    }

    private Optional<Duration> firstAfter(Instant from, java.util.function.Predicate<Map<String, Lease>> condition) {
        for (Snapshot s : snapshots()) {
            if (!s.at().isBefore(from) && condition.test(s.leases())) {
                return Optional.of(Duration.between(from, s.at()));
            }
        }
        return Optional.empty();
    }

    /** The newest snapshot taken at or before {@code instant}. */
    private Map<String, Lease> at(Instant instant) {
        Map<String, Lease> found = Map.of();
        for (Snapshot s : snapshots()) {
            if (s.at().isAfter(instant)) {
                break;
            }
            found = s.leases();
        }
        return found;
    }

    private List<Snapshot> snapshots() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    private Snapshot latest() {
        Snapshot s = latestOrNull();
        return s != null ? s : new Snapshot(Instant.now(), Map.of());
    }

    private Snapshot latestOrNull() {
        synchronized (history) {
            return history.isEmpty() ? null : history.get(history.size() - 1);
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
