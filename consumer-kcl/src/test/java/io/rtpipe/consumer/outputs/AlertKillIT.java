package io.rtpipe.consumer.outputs;

import io.rtpipe.connectors.dynamodb.AlertLedger;
import io.rtpipe.core.publish.OutputRecord;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.fakes.OutputServicesFake;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An alert fires exactly once per crossing across kill -9 and restart: {@link AlertPublishProcess} publishes a
 * sequence of windows and is SIGKILLed (through its own Process handle) at random points and restarted until it
 * finishes. The fake SNS FIFO topic counts what subscribers get per (window, key): each crossing exactly once.
 * What reached SNS (copies the FIFO deduplication dropped included) is the precise bound of the order claim, send,
 * mark sent: every copy has the crossing's id, and there is at most one extra copy per kill (a kill between a send
 * and its mark); that bound is what a standard topic's subscribers see.
 */
@ExtendWith(SandboxExtension.class)
class AlertKillIT {
    private static final int WINDOWS = 45;
    private static final Duration THROTTLE = Duration.ofMinutes(5);
    private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:alerts.fifo";

    @Test
    void eachCrossingIsDeliveredExactlyOnceAcrossKillsAndRestarts(LocalAws aws, @TempDir Path dir) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String table = unique("alerts");
        try (DynamoDbClient dynamoDb = aws.clients().dynamoDb(); OutputServicesFake fake = OutputServicesFake.start()) {
            AlertLedger.createTableIfMissing(dynamoDb, table);
            int kills = 0;
            int runs = 0;
            boolean finished = false;
            while (!finished) {
                runs++;
                assertThat(runs).as("runs to finish (seed %d)", seed).isLessThan(80);
                Path ready = dir.resolve("ready");
                Files.deleteIfExists(ready);
                Process process = start(aws, fake, table, dir);
                while (process.isAlive() && !Files.exists(ready)) {
                    Thread.sleep(5);
                }
                // a kill at a random point of publishing; later runs get longer, so the sequence finishes
                long delay = random.nextInt(100 + 100 * runs);
                if (process.waitFor(delay, TimeUnit.MILLISECONDS)) {
                    assertThat(process.exitValue()).as("publisher exit (log %s)", dir.resolve("publish.log"))
                            .isZero();
                    finished = true;
                } else {
                    process.destroyForcibly();
                    process.waitFor();
                    kills++;
                }
            }

            List<String> expected = Crossings.expected(WINDOWS, THROTTLE);
            System.out.printf("AlertKillIT: seed %d, %d runs, %d kills, %d crossings, %d publishes%n", seed, runs,
                    kills, expected.size(), fake.received().size());
            Map<String, Long> delivered = fake.delivered().stream()
                    .collect(Collectors.groupingBy(r -> r.id(), Collectors.counting()));
            Map<String, List<String>> received = fake.received().stream()
                    .collect(Collectors.groupingBy(r -> r.id(), Collectors.mapping(r -> r.body(), Collectors.toList())));
            List<String> expectedIds = expected.stream().map(AlertKillIT::id).toList();

            assertThat(kills).as("kills (seed %d)", seed).isPositive();
            assertThat(delivered.keySet()).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(expectedIds);
            assertThat(delivered.values()).as("deliveries per crossing (seed %d)", seed).containsOnly(1L);
            assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(expectedIds);
            received.values().forEach(copies -> assertThat(copies).as("copies of one alert").containsOnly(copies.get(0)));
            assertThat(fake.received().size() - expected.size()).as("extra copies, %d kills (seed %d)", kills, seed)
                    .isBetween(0, kills);
        }
    }

    /** The id of crossing "window type", as {@link OutputRecord} writes it. */
    private static String id(String crossing) {
        String[] parts = crossing.split(" ");
        return OutputRecord.id(OrderWindows.row(Integer.parseInt(parts[0]), parts[1]));
    }

    private static Process start(LocalAws aws, OutputServicesFake fake, String table, Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                AlertPublishProcess.class.getName(), aws.awsConfig().dynamoDbEndpoint().orElseThrow().toString(),
                fake.endpoint().toString(), table, TOPIC, dir.resolve("cursor").toString(), Integer.toString(WINDOWS),
                Long.toString(THROTTLE.toMinutes()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("publish.log").toFile()));
        builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        builder.environment().put("AWS_REGION", aws.awsConfig().region());
        return builder.start();
    }
}
