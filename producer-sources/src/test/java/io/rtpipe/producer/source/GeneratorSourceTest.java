package io.rtpipe.producer.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GeneratorSourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static GeneratorConfig.Builder config() {
        return GeneratorConfig.builder().seed(42).eventsPerSecond(0).clock(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static List<JsonNode> generate(GeneratorConfig config, int n) throws IOException {
        GeneratorSource source = new GeneratorSource(config);
        List<JsonNode> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            events.add(JSON.readTree(source.next()));
        }
        return events;
    }

    @Test
    void sameSeedAndClockGiveTheSameEventsAndAnotherSeedOthers() {
        GeneratorSource a = new GeneratorSource(config().build());
        GeneratorSource b = new GeneratorSource(config().build());
        GeneratorSource c = new GeneratorSource(config().seed(43).build());
        for (int i = 0; i < 100; i++) {
            byte[] event = a.next();
            assertThat(b.next()).isEqualTo(event);
            assertThat(c.next()).isNotEqualTo(event);
        }
    }

    @Test
    void eventsCarryEveryFieldWithUniqueIdsAndTheDocumentedTypeMix() throws IOException {
        int n = 10_000;
        List<JsonNode> events = generate(config().build(), n);
        Set<String> ids = new HashSet<>();
        Map<String, Integer> types = new HashMap<>();
        for (JsonNode e : events) {
            assertThat(e.get("event_id").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            ids.add(e.get("event_id").asText());
            assertThat(e.get("ts").asLong()).isEqualTo(NOW.toEpochMilli());
            assertThat(e.get("user_id").asText()).matches("u\\d+");
            assertThat(e.get("page").asText()).matches("/p/\\d+");
            String type = e.get("type").asText();
            types.merge(type, 1, Integer::sum);
            double amount = e.get("amount").asDouble();
            if (type.equals("purchase")) {
                assertThat(amount).isBetween(1.0, 500.0);
                assertThat(Math.round(amount * 100) / 100.0).isEqualTo(amount);
            } else {
                assertThat(amount).isZero();
            }
        }
        assertThat(ids).hasSize(n);
        assertThat(types.keySet()).containsExactlyInAnyOrder("view", "click", "signup", "purchase");
        assertThat(types.get("view") / (double) n).isCloseTo(0.70, within(0.02));
        assertThat(types.get("click") / (double) n).isCloseTo(0.20, within(0.02));
        assertThat(types.get("signup") / (double) n).isCloseTo(0.07, within(0.01));
        assertThat(types.get("purchase") / (double) n).isCloseTo(0.03, within(0.01));
    }

    @Test
    void disorderKeepsTimestampsWithinTheBound() throws IOException {
        List<JsonNode> events = generate(config().maxDisorder(Duration.ofSeconds(2)).build(), 5_000);
        long min = Long.MAX_VALUE;
        for (JsonNode e : events) {
            long ts = e.get("ts").asLong();
            assertThat(ts).isBetween(NOW.toEpochMilli() - 2000, NOW.toEpochMilli());
            min = Math.min(min, ts);
        }
        assertThat(min).as("disorder actually happens").isLessThan(NOW.toEpochMilli() - 1000);
    }

    @Test
    void usersFollowTheZipfLawAndStayWithinTheCardinality() throws IOException {
        int users = 50;
        double s = 1.2;
        int n = 20_000;
        int[] counts = new int[users];
        for (JsonNode e : generate(config().users(users).skew(s).build(), n)) {
            counts[Integer.parseInt(e.get("user_id").asText().substring(1))]++;
        }
        double h = 0;
        for (int k = 1; k <= users; k++) {
            h += Math.pow(k, -s);
        }
        for (int rank : new int[] {0, 1, 4, 49}) {
            double expected = Math.pow(rank + 1, -s) / h;
            assertThat(counts[rank] / (double) n).as("rank %d", rank).isCloseTo(expected, within(0.01));
        }
    }

    @Test
    void skewZeroIsUniform() throws IOException {
        int[] counts = new int[10];
        for (JsonNode e : generate(config().pages(10).skew(0).build(), 20_000)) {
            counts[Integer.parseInt(e.get("page").asText().substring(3))]++;
        }
        assertThat(Arrays.stream(counts).min().orElseThrow()).isGreaterThan(1800);
        assertThat(Arrays.stream(counts).max().orElseThrow()).isLessThan(2200);
    }

    @Test
    void runPacesToTheRateAndStopsAtMaxEvents() throws Exception {
        GeneratorSource source = new GeneratorSource(GeneratorConfig.builder().seed(1).eventsPerSecond(2_000)
                .maxEvents(500).build());
        List<byte[]> sink = new ArrayList<>();
        long start = System.nanoTime();
        long emitted = source.run(sink::add);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(emitted).isEqualTo(500);
        assertThat(sink).hasSize(500);
        assertThat(seconds).as("499 intervals of 0.5 ms").isGreaterThanOrEqualTo(0.249).isLessThan(2.0);
    }

    @Test
    void closeStopsAnUnboundedRun() throws Exception {
        GeneratorSource source = new GeneratorSource(GeneratorConfig.builder().eventsPerSecond(0).build());
        long emitted = source.run(event -> {
            if (event.length > 0) {
                source.close();
            }
        });
        assertThat(emitted).isEqualTo(1);
    }
}
