package io.rtpipe.core.testing;

import io.rtpipe.core.aggregate.TopKRow;
import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.spec.SpecLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Declarative metrics from a YAML spec under random streams over several shards with disorder, producer retries
 * (re-sent payloads), malformed records, random result writes, checkpoints and crashes (also inside checkpoints):
 * the merged results must equal a reference computed directly from the events.
 * <ul>
 *   <li>{@code orders}: hopping windows (20 s every 5 s), a filter the engine evaluates in Java, a nested group-by
 *       field, dedup, and every built-in aggregate: exact for count, sum, min, max, avg, first, last and for topk
 *       (k covers every page); within the documented bounds for distinct (4.9%) and quantile (1% of the value).</li>
 *   <li>{@code visits}: session windows (gap 3 s) per user, a filter only CEL can evaluate, dedup, count and sum;
 *       the reference is a plain model of the documented session semantics.</li>
 * </ul>
 */
class DeclarativeMetricsPropertyTest {
    private static final int ITERATIONS = 150;
    private static final long SLIDE = 5_000;
    private static final long SIZE = 20_000;
    private static final long GAP = 3_000;
    private static final String[] COUNTRIES = {"DE", "FR", "US"};
    private static final String[] PAGES = {"p0", "p1", "p2", "p3", "q9"};
    private static final String[] MALFORMED = {"not json", "{\"type\":\"purchase\",\"amount\":50}", "[]", ""};

    private static final String SPEC = """
            memory_budget: {events_per_second: 10}   # a session's dedup ids at the default 1,000/s: 12 GB
            metrics:
              - name: orders
                filter: "type == 'purchase' && amount > 10"
                group_by: [user.country]
                window: {type: hopping, size: 20s, slide: 5s}
                allowed_lateness: %dms
                dedup: {field: event_id}
                aggregates:
                  - {name: n, fn: count}
                  - {name: total, fn: sum, field: amount}
                  - {name: lo, fn: min, field: price}
                  - {name: hi, fn: max, field: price}
                  - {name: mean, fn: avg, field: amount}
                  - {name: first_user, fn: first, field: user_id}
                  - {name: last_user, fn: last, field: user_id}
                  - {name: users, fn: distinct, field: user_id}
                  - {name: p90, fn: quantile, field: amount, q: 0.9}
                  - {name: top_pages, fn: topk, field: page, k: 10}
              - name: visits
                filter: "page.startsWith('p')"
                group_by: [user_id]
                window: {type: session, gap: 3s}
                allowed_lateness: %dms
                dedup: {field: event_id}
                aggregates:
                  - {name: n, fn: count}
                  - {name: total, fn: sum, field: amount}
            """;

    /** A generated well-formed event (null fields are absent from the payload). */
    private record Event(String payload, String id, long ts, String type, String userId, String country,
                         String page, long amount, double price) {
    }

    /** One event as a window holds it in the reference. */
    private record Entry(long ts, long seq, Event event) {
    }

    private record Key(String metric, long start, String key) {
    }

    private long lateOrders;
    private long lateVisits;
    private long duplicates;
    private long sessionsMerged;
    private int restarts;

    @ParameterizedTest(name = "snapshots {0}")
    @ValueSource(booleans = {false, true})
    void mergedResultsMatchTheReference(boolean snapshots) {
        for (long seed = 1; seed <= ITERATIONS; seed++) {
            runOnce(seed, snapshots);
        }
        assertThat(lateOrders).as("late order record-windows").isGreaterThan(300);
        assertThat(lateVisits).as("late visit records").isGreaterThan(100);
        assertThat(duplicates).as("duplicates dropped by the reference").isGreaterThan(300);
        assertThat(sessionsMerged).as("sessions merged by a bridging event").isGreaterThan(10);
        assertThat(restarts).as("restarts").isGreaterThan(1_000);
    }

    private void runOnce(long seed, boolean snapshots) {
        Random random = new Random(seed);
        long ordersLateness = new long[]{0, 3_000, 30_000}[random.nextInt(3)];
        long visitsLateness = new long[]{0, 2_000, 10_000}[random.nextInt(3)];
        EngineConfig config = new SpecLoader(io.rtpipe.core.aggregate.AggregatorRegistry.builtins())
                .parse("spec.yaml", SPEC.formatted(ordersLateness, visitsLateness));
        EngineTestDriver driver = new EngineTestDriver(config, snapshots);

        int shardCount = 1 + random.nextInt(3);
        Map<String, List<Event>> events = new TreeMap<>();
        long[] clocks = new long[shardCount];
        for (int s = 0; s < shardCount; s++) {
            clocks[s] = 1_764_133_200_000L + random.nextInt(20_000);
        }
        int eventCount = random.nextInt(300);
        for (int i = 0; i < eventCount; i++) {
            int s = random.nextInt(shardCount);
            String shard = "shard-" + s;
            List<Event> sent = events.computeIfAbsent(shard, k -> new ArrayList<>());
            clocks[s] += random.nextInt(1_500);
            Event event;
            if (!sent.isEmpty() && random.nextInt(100) < 15) {
                event = sent.get(sent.size() - 1 - random.nextInt(Math.min(sent.size(), 6)));
            } else if (random.nextInt(100) < 3) {
                event = new Event(MALFORMED[random.nextInt(MALFORMED.length)], null, 0, null, null, null, null, 0, 0);
            } else {
                event = nextEvent(random, clocks[s]);
            }
            sent.add(event);
            driver.send(shard, event.payload());
            int dice = random.nextInt(1000);
            if (dice < 100) {
                driver.writeResults(shard);
            } else if (dice < 170) {
                driver.checkpoint(shard);
            } else if (dice < 200) {
                driver.crashDuringCheckpoint(shard, CheckpointStep.values()[random.nextInt(CheckpointStep.values().length)]);
            } else if (dice < 215) {
                driver.crash(shard);
            }
        }
        driver.finishAll();

        Map<Key, List<Entry>> orders = new HashMap<>();
        Map<Key, long[]> visits = new HashMap<>();
        for (Map.Entry<String, List<Event>> shard : events.entrySet()) {
            List<InputRecord> stream = driver.stream(shard.getKey());
            List<Event> shardEvents = shard.getValue();
            List<InputRecord> invalid = new ArrayList<>();
            referenceOrders(shardEvents, ordersLateness, orders);
            referenceVisits(shardEvents, visitsLateness, visits);
            for (int i = 0; i < shardEvents.size(); i++) {
                Event e = shardEvents.get(i);
                if (e.id() == null || (ordersTakes(e) && e.country() == null) || (visitsTakes(e) && e.userId() == null)) {
                    invalid.add(stream.get(i));
                }
            }
            assertThat(driver.deadLetters(shard.getKey())).extracting(DeadLetter::record)
                    .as("seed %d %s dead letters", seed, shard.getKey()).containsExactlyElementsOf(invalid);
            assertThat(driver.archivedRecords(shard.getKey())).containsExactlyElementsOf(stream);
            restarts += driver.restarts(shard.getKey());
        }
        assertThat(driver.conflictingWrites()).as("seed %d rewrites with other values", seed).isEmpty();

        Map<Key, Map<String, Object>> actual = new HashMap<>();
        for (MergedResult result : driver.mergedResults()) {
            String key = result.key().values().iterator().next();
            long start = result.windowStart().toEpochMilli();
            if (result.metric().equals("orders")) {
                assertThat(result.windowEnd().toEpochMilli() - start).isEqualTo(SIZE);
            } else {
                long[] expected = visits.get(new Key("visits", start, key));
                assertThat(expected).as("seed %d: unexpected session %s", seed, result).isNotNull();
                assertThat(result.windowEnd().toEpochMilli()).as("seed %d session end", seed).isEqualTo(expected[2]);
            }
            actual.put(new Key(result.metric(), start, key), result.values());
        }
        assertThat(actual.keySet()).as("seed %d: windows and keys", seed)
                .containsExactlyInAnyOrderElementsOf(union(orders.keySet(), visits.keySet()));
        visits.forEach((key, expected) -> assertThat(actual.get(key)).as("seed %d %s", seed, key)
                .containsEntry("n", expected[0]).containsEntry("total", expected[1]));
        orders.forEach((key, entries) -> checkOrders(seed, key, entries, actual.get(key)));
    }

    private static Set<Key> union(Set<Key> a, Set<Key> b) {
        Set<Key> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static Event nextEvent(Random random, long clock) {
        long ts = clock - (random.nextInt(100) < 25 ? random.nextInt(25_000) : 0);
        String id = Long.toString(random.nextLong());
        String type = random.nextInt(100) < 60 ? "purchase" : "view";
        String userId = random.nextInt(100) < 3 ? null : "u" + random.nextInt(8);
        String country = random.nextInt(100) < 3 ? null : COUNTRIES[random.nextInt(COUNTRIES.length)];
        String page = random.nextInt(100) < 5 ? null : PAGES[random.nextInt(PAGES.length)];
        long amount = random.nextInt(100);
        double price = random.nextInt(10_000) / 4.0;
        StringBuilder json = new StringBuilder("{\"event_id\":\"" + id + "\",\"ts\":" + ts + ",\"type\":\"" + type
                + "\",\"amount\":" + amount + ",\"price\":" + price);
        if (userId != null) {
            json.append(",\"user_id\":\"").append(userId).append('"');
        }
        if (country != null) {
            json.append(",\"user\":{\"tier\":1,\"country\":\"").append(country).append("\"}");
        }
        if (page != null) {
            json.append(",\"page\":\"").append(page).append('"');
        }
        return new Event(json.append('}').toString(), id, ts, type, userId, country, page, amount, price);
    }

    private static boolean ordersTakes(Event e) {
        return e.id() != null && e.type().equals("purchase") && e.amount() > 10;
    }

    private static boolean visitsTakes(Event e) {
        return e.id() != null && e.page() != null && e.page().startsWith("p");
    }

    /** Hopping windows: per window, the events taken (not late, first copy of their id), across shards. */
    private void referenceOrders(List<Event> events, long lateness, Map<Key, List<Entry>> out) {
        Long highest = null;
        Map<Long, Set<String>> ids = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            if (e.id() == null) {
                continue; // malformed: no event time to read
            }
            long latest = Math.floorDiv(e.ts(), SLIDE) * SLIDE;
            for (long start = latest; ordersTakes(e) && e.country() != null && start > e.ts() - SIZE;
                 start -= SLIDE) {
                if (highest != null && start + SIZE <= highest - lateness) {
                    lateOrders++;
                } else if (!ids.computeIfAbsent(start, s -> new HashSet<>()).add(e.id())) {
                    duplicates++;
                } else {
                    out.computeIfAbsent(new Key("orders", start, e.country()), k -> new ArrayList<>())
                            .add(new Entry(e.ts(), i + 1, e));
                }
            }
            // Every event with a readable time moves the watermark, also those the filter rejects.
            highest = highest == null ? e.ts() : Math.max(highest, e.ts());
        }
    }

    /** A model of the documented session semantics on one shard; adds {count, sum, end} per session. */
    private void referenceVisits(List<Event> events, long lateness, Map<Key, long[]> out) {
        final class Session {
            long start;
            long end;
            long count;
            long sum;
            final Set<String> ids = new HashSet<>();
        }
        Long highest = null;
        Map<String, List<Session>> open = new LinkedHashMap<>();
        for (Event e : events) {
            if (e.id() == null) {
                continue; // malformed: no event time to read
            }
            long watermark = highest == null ? Long.MIN_VALUE : highest - lateness;
            if (!visitsTakes(e) || e.userId() == null) {
                // Counted nowhere; its time still moves the watermark (below).
            } else if (e.ts() + GAP <= watermark) {
                lateVisits++;
            } else {
                List<Session> sessions = open.computeIfAbsent(e.userId(), k -> new ArrayList<>());
                List<Session> overlapping = sessions.stream()
                        .filter(s -> e.ts() < s.end && s.start < e.ts() + GAP).toList();
                if (overlapping.stream().anyMatch(s -> s.ids.contains(e.id()))) {
                    duplicates++;
                } else {
                    Session session = new Session();
                    session.start = e.ts();
                    session.end = e.ts() + GAP;
                    session.count = 1;
                    session.sum = e.amount();
                    session.ids.add(e.id());
                    for (Session s : overlapping) {
                        session.start = Math.min(session.start, s.start);
                        session.end = Math.max(session.end, s.end);
                        session.count += s.count;
                        session.sum += s.sum;
                        session.ids.addAll(s.ids);
                        sessions.remove(s);
                    }
                    sessionsMerged += Math.max(0, overlapping.size() - 1);
                    sessions.add(session);
                }
            }
            highest = highest == null ? e.ts() : Math.max(highest, e.ts());
            long now = highest - lateness;
            open.forEach((user, sessions) -> sessions.removeIf(s -> {
                if (s.end <= now) {
                    emit(out, user, s.start, s.end, s.count, s.sum);
                    return true;
                }
                return false;
            }));
        }
        open.forEach((user, sessions) -> sessions.forEach(s -> emit(out, user, s.start, s.end, s.count, s.sum)));
    }

    private static void emit(Map<Key, long[]> out, String user, long start, long end, long count, long sum) {
        out.merge(new Key("visits", start, user), new long[]{count, sum, end},
                (a, b) -> new long[]{a[0] + b[0], a[1] + b[1], Math.max(a[2], b[2])});
    }

    private static void checkOrders(long seed, Key key, List<Entry> entries, Map<String, Object> actual) {
        String what = "seed " + seed + " " + key;
        assertThat(actual).as(what).isNotNull();
        long sum = entries.stream().mapToLong(e -> e.event().amount()).sum();
        assertThat(actual.get("n")).as(what + " n").isEqualTo((long) entries.size());
        assertThat(actual.get("total")).as(what + " total").isEqualTo(sum);
        assertThat(actual.get("lo")).as(what + " lo")
                .isEqualTo(entries.stream().mapToDouble(e -> e.event().price()).min().orElseThrow());
        assertThat(actual.get("hi")).as(what + " hi")
                .isEqualTo(entries.stream().mapToDouble(e -> e.event().price()).max().orElseThrow());
        assertThat(actual.get("mean")).as(what + " mean").isEqualTo((double) sum / entries.size());
        Comparator<Entry> order = Comparator.comparingLong(Entry::ts).thenComparingLong(Entry::seq)
                .thenComparing(e -> e.event().userId());
        List<Entry> withUser = entries.stream().filter(e -> e.event().userId() != null).sorted(order).toList();
        assertThat(actual.get("first_user")).as(what + " first")
                .isEqualTo(withUser.isEmpty() ? null : withUser.get(0).event().userId());
        assertThat(actual.get("last_user")).as(what + " last")
                .isEqualTo(withUser.isEmpty() ? null : withUser.get(withUser.size() - 1).event().userId());

        long users = withUser.stream().map(e -> e.event().userId()).distinct().count();
        assertThat((Long) actual.get("users")).as(what + " distinct users")
                .isCloseTo(users, within((long) Math.ceil(0.049 * users)));

        long[] amounts = entries.stream().mapToLong(e -> e.event().amount()).sorted().toArray();
        double x = amounts[(int) Math.floor(0.9 * (amounts.length - 1))];
        assertThat((Double) actual.get("p90")).as(what + " p90").isCloseTo(x, within(0.01 * x + 1e-9));

        Map<String, Long> pageCounts = new HashMap<>();
        entries.stream().filter(e -> e.event().page() != null)
                .forEach(e -> pageCounts.merge(e.event().page(), 1L, Long::sum));
        List<TopKRow> top = pageCounts.entrySet().stream().map(e -> new TopKRow(e.getKey(), e.getValue()))
                .sorted(Comparator.comparingLong(TopKRow::count).reversed().thenComparing(TopKRow::value)).toList();
        assertThat(actual.get("top_pages")).as(what + " top pages").isEqualTo(top);
    }
}
