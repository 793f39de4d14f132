package io.rtpipe.core.testing;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.reference.ReferenceTable;
import io.rtpipe.core.spec.SpecLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random reloads, checkpoints, failed steps and crashes: every minute's total is what the test computes from the
 * rule alone, each event priced by the version published when a checkpoint last stored a reload before it was sent
 * (a checkpoint stores a pending reload right after the results, before the interval, snapshot and progress: a
 * failure of that very store, the call's first progress write, leaves it pending; a later failure or crash does not).
 */
class ReferenceReloadPropertyTest {
    private static final long T0 = 1_764_133_200_000L;
    private static final EngineConfig CONFIG = SpecLoader.standard().parse("spec.yaml", """
            references:
              - {name: products, file: products.csv, format: csv, key: id, on: product}
            metrics:
              - name: revenue
                window: {type: tumbling, size: 1m}
                aggregates: [{name: total, fn: sum, field: products.price}]
            """);
    private static final String[] PRODUCTS = {"p1", "p2", "p3"};

    static Stream<Arguments> runs() {
        List<Arguments> runs = new ArrayList<>();
        for (long seed = 1; seed <= 20; seed++) {
            runs.add(Arguments.of(seed, seed % 2 == 0));
        }
        return runs.stream();
    }

    @ParameterizedTest(name = "seed {0}, snapshots {1}")
    @MethodSource("runs")
    void everyEventIsPricedByTheVersionStoredBeforeItWasSent(long seed, boolean snapshots) {
        Random random = new Random(seed);
        int version = 1;
        long[] published = prices(random);
        long[] inEffect = published;
        boolean pending = false;
        InMemoryReferences references = new InMemoryReferences().publish(table(version, published));
        var driver = new EngineTestDriver(CONFIG, snapshots, references);
        Map<Long, Long> expected = new TreeMap<>();
        // The shard's first checkpoint stores the versions it started with: before, a crash would restart it with
        // the newest (nothing it wrote relied on them yet), which is not what this rule describes.
        driver.send("s", "{\"ts\":" + T0 + ",\"product\":\"p1\"}");
        expected.put(0L, inEffect[0]);
        assertThat(driver.checkpoint("s")).isTrue();
        long ts = T0;
        for (int step = 0; step < 400; step++) {
            int op = random.nextInt(20);
            if (op < 12) {
                int p = random.nextInt(PRODUCTS.length);
                driver.send("s", "{\"ts\":" + ts + ",\"product\":\"" + PRODUCTS[p] + "\"}");
                expected.merge((ts - T0) / 60_000, inEffect[p], Long::sum);
                ts += random.nextInt(3_000);
            } else if (op < 14) {
                published = prices(random);
                references.publish(table(++version, published));
                pending = true;
            } else if (op < 16) {
                driver.checkpoint("s");
                inEffect = published;
                pending = false;
            } else if (op < 18) {
                CheckpointStep crashAfter = CheckpointStep.values()[random.nextInt(CheckpointStep.values().length)];
                driver.crashDuringCheckpoint("s", crashAfter);
                // Crashing after writing results only never reaches the reload; every later step follows it.
                if (crashAfter != CheckpointStep.RESULTS_WRITTEN) {
                    inEffect = published;
                    pending = false;
                }
            } else if (op < 19) {
                // Not RESULTS_WRITTEN: whether that failure comes before the reload depends on results being due.
                CheckpointStep fail = CheckpointStep.values()[1 + random.nextInt(CheckpointStep.values().length - 1)];
                driver.failDuringCheckpoint("s", fail);
                if (!(pending && fail == CheckpointStep.PROGRESS_STORED)) {
                    inEffect = published;
                    pending = false;
                }
            } else {
                driver.crash("s");
            }
        }
        driver.endOfInput("s");
        driver.checkpoint("s");
        Map<Long, Long> written = new TreeMap<>();
        for (WindowResult result : driver.storedResults().values()) {
            written.merge((result.windowStart().toEpochMilli() - T0) / 60_000,
                    ((Number) result.values().get("total")).longValue(), Long::sum);
        }
        assertThat(written).isEqualTo(expected);
    }

    private static long[] prices(Random random) {
        long[] prices = new long[PRODUCTS.length];
        for (int p = 0; p < prices.length; p++) {
            prices[p] = 1 + random.nextInt(1000);
        }
        return prices;
    }

    private static ReferenceTable table(int version, long[] prices) {
        StringBuilder csv = new StringBuilder("id,price\n");
        for (int p = 0; p < PRODUCTS.length; p++) {
            csv.append(PRODUCTS[p]).append(',').append(prices[p]).append('\n');
        }
        return ReferenceTable.parse(CONFIG.references().get(0), "v" + version,
                csv.toString().getBytes(StandardCharsets.UTF_8));
    }
}
