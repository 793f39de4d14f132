package io.rtpipe.consumer.outputs;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.connectors.dynamodb.AlertLedger;
import io.rtpipe.connectors.output.AlertSink;
import io.rtpipe.connectors.output.OutputTransport;
import io.rtpipe.connectors.output.SnsOutput;
import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.OutputSpec;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.EnumSet;

/**
 * The child JVM {@link AlertKillIT} kills: publishes {@link OrderWindows}' windows in ranges of
 * {@value #RANGE} through an {@link AlertSink} to SNS, as the publisher will, recording after each range the next
 * window to publish in a cursor file (written aside and moved into place, so a kill leaves the old or the new one).
 * A restart resumes at the cursor, so the range in progress at a kill is published again. Exits 0 when done.
 * Once its clients are built it creates the file {@code ready} beside the cursor, so the test times kills from the
 * start of publishing, not of the JVM; each send is preceded and followed by a {@value #PAUSE_MILLIS} ms pause, which
 * widens the gaps between claiming and sending and between sending and marking sent, where a kill matters most.
 * <p>
 * Arguments: DynamoDB endpoint, SNS endpoint, ledger table, topic ARN, cursor file, windows, throttle in minutes.
 */
public final class AlertPublishProcess {
    static final int RANGE = 3;
    static final long PAUSE_MILLIS = 10;

    private AlertPublishProcess() {
    }

    public static void main(String[] args) throws Exception {
        URI dynamoDbEndpoint = URI.create(args[0]);
        URI snsEndpoint = URI.create(args[1]);
        String table = args[2];
        String topic = args[3];
        Path cursor = Path.of(args[4]);
        int windows = Integer.parseInt(args[5]);
        Duration throttle = Duration.ofMinutes(Long.parseLong(args[6]));

        AwsConfig.Credentials keys = new AwsConfig.StaticKeys("test", "test");
        AwsClients dynamo = new AwsClients(AwsConfig.builder().credentials(keys)
                .services(EnumSet.of(AwsConfig.Service.DYNAMODB)).dynamoDbEndpoint(dynamoDbEndpoint).build());
        AwsClients sns = new AwsClients(AwsConfig.builder().credentials(keys)
                .services(EnumSet.of(AwsConfig.Service.SNS)).snsEndpoint(snsEndpoint).build());
        RetryPolicy retry = RetryPolicy.defaults();
        MetricSpec metric = OrderWindows.metric(throttle, new OutputSpec(OutputSpec.Kind.SNS, topic));
        SnsOutput snsOutput = new SnsOutput(sns.sns(), retry);
        OutputTransport paused = (target, records) -> {
            pause();
            snsOutput.send(target, records);
            pause();
        };
        AlertSink sink = new AlertSink(OutputSpec.Kind.SNS, new AlertLedger(dynamo.dynamoDb(), table, retry), paused);
        Files.writeString(cursor.resolveSibling("ready"), "");

        int from = Files.exists(cursor) ? Integer.parseInt(Files.readString(cursor).trim()) : 0;
        for (; from < windows; from += RANGE) {
            int to = Math.min(windows, from + RANGE);
            sink.publish(metric, OrderWindows.start(from), OrderWindows.start(to), OrderWindows.rows(from, to));
            Path next = cursor.resolveSibling(cursor.getFileName() + ".next");
            Files.writeString(next, Integer.toString(to), StandardCharsets.UTF_8);
            Files.move(next, cursor, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        System.exit(0);
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
