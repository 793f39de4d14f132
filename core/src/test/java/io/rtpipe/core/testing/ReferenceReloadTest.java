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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reference table reloaded while a window is open, with crashes around the reload: the records a shard read before
 * the checkpoint that takes the new version keep the old one, on every replay, with or without snapshots; a window
 * already started when the table changed between a crash and the restart is computed as the first run began it.
 */
class ReferenceReloadTest {
    private static final long T0 = 1_764_133_200_000L; // an hour boundary
    private static final EngineConfig CONFIG = SpecLoader.standard().parse("spec.yaml", """
            references:
              - {name: products, s3: s3://ref-bucket/products.csv, format: csv, key: id, on: product}
            metrics:
              - name: revenue
                window: {type: tumbling, size: 1m}
                aggregates: [{name: total, fn: sum, field: products.price}]
            """);

    private static ReferenceTable table(String version, long price) {
        return ReferenceTable.parse(CONFIG.references().get(0), version,
                ("id,price\np1," + price + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Where the worker dies around the checkpoint that offers the reloaded table (null: it does not). */
    static Stream<Arguments> crashes() {
        List<Arguments> cases = new ArrayList<>();
        for (boolean snapshots : new boolean[] {true, false}) {
            cases.add(Arguments.of(snapshots, null));
            for (CheckpointStep step : CheckpointStep.values()) {
                if (snapshots || step != CheckpointStep.SNAPSHOT_WRITTEN) {
                    cases.add(Arguments.of(snapshots, step));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "snapshots {0}, crash after {1}")
    @MethodSource("crashes")
    void recordsBeforeTheCheckpointThatTakesAReloadKeepTheVersionTheyWereReadWith(boolean snapshots,
                                                                                    CheckpointStep crash) {
        InMemoryReferences references = new InMemoryReferences().publish(table("v1", 10));
        var driver = new EngineTestDriver(CONFIG, snapshots, references);
        driver.send("s", event(1, "p1"));
        assertThat(driver.checkpoint("s")).isTrue();
        driver.send("s", event(2, "p1"));
        // The table changes, then the worker dies before a checkpoint: the restart replays event 2 with v1.
        references.publish(table("v2", 100));
        driver.crash("s");
        driver.send("s", event(3, "p1"));
        if (crash != null) {
            driver.crashDuringCheckpoint("s", crash);
        }
        assertThat(driver.checkpoint("s")).isTrue();
        driver.send("s", event(4, "p1")); // after the checkpoint that took v2
        driver.send("s", event(600, "p1")); // closes the first minute, lateness included
        assertThat(driver.checkpoint("s")).isTrue();
        // Events 1-3 were read before the checkpoint that took v2 (at 10 each), event 4 after it (at 100).
        assertThat(firstMinute(driver).values()).containsEntry("total", 10L + 10 + 10 + 100);
    }

    @ParameterizedTest(name = "snapshots {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void aVersionTheSourceNoLongerHoldsIsReplacedByTheNewestForTheReplayedRecords(boolean snapshots) {
        InMemoryReferences references = new InMemoryReferences().publish(table("v1", 10));
        var driver = new EngineTestDriver(CONFIG, snapshots, references);
        driver.send("s", event(1, "p1"));
        assertThat(driver.checkpoint("s")).isTrue();
        driver.send("s", event(2, "p1"));
        references.publish(table("v2", 100));
        references.forget("products", "v1"); // an unversioned object overwritten
        driver.crash("s");
        driver.send("s", event(600, "p1"));
        assertThat(driver.checkpoint("s")).isTrue();
        // Without snapshots the replay reaches back to event 1; with them event 1 is in the restored partial.
        assertThat(firstMinute(driver).values()).containsEntry("total", snapshots ? 10L + 100 : 100L + 100);
    }

    private static String event(long seconds, String product) {
        return "{\"ts\":" + (T0 + seconds * 1000) + ",\"product\":\"" + product + "\"}";
    }

    private static WindowResult firstMinute(EngineTestDriver driver) {
        return driver.storedResults().values().stream()
                .filter(result -> result.windowStart().toEpochMilli() == T0).findFirst().orElseThrow();
    }
}
