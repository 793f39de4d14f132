package io.rtpipe.connectors.spec;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.spec.SpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Locations of a metric spec that need no S3 (files, the built-in default, malformed URLs), and S3 failures the
 * emulator cannot produce (access denied, unreachable) injected by a stand-in client. Objects on the emulator:
 * consumer-kcl's MetricSpecsIT.
 */
class MetricSpecsTest {

    /** Clients for Kinesis only: building an S3 client from them throws, so these cases prove S3 is not called. */
    private static final AwsClients NO_S3 = new AwsClients(AwsConfig.builder()
            .credentials(new AwsConfig.StaticKeys("test", "test")).services(Set.of(AwsConfig.Service.KINESIS)).build());

    @Test
    void withoutALocationTheBuiltInMetricRuns() {
        assertThat(MetricSpecs.load(null, NO_S3).metrics()).extracting(MetricSpec::name)
                .containsExactly(MetricSpec.EVENTS_PER_MINUTE);
        assertThat(MetricSpecs.load(" ", NO_S3).metrics()).extracting(MetricSpec::name)
                .containsExactly(MetricSpec.EVENTS_PER_MINUTE);
    }

    @Test
    void aFileIsLoadedAndAMistakeInItIsItsLocatedSentence(@TempDir Path dir) throws IOException {
        Path spec = Files.writeString(dir.resolve("m.yaml"), """
                metrics:
                  - name: clicks_by_page
                    group_by: [page]
                    aggregates:
                      - {name: clicks, fn: count}
                """);
        assertThat(MetricSpecs.load(spec.toString(), NO_S3).metrics()).extracting(MetricSpec::name)
                .containsExactly("clicks_by_page");

        Path broken = Files.writeString(dir.resolve("broken.yaml"), "metrics: []\n");
        assertThatThrownBy(() -> MetricSpecs.load(broken.toString(), NO_S3))
                .isInstanceOf(SpecException.class).hasMessageStartingWith(broken + ":1: metrics: ");
        assertThatThrownBy(() -> MetricSpecs.load(dir.resolve("none.yaml").toString(), NO_S3))
                .isInstanceOf(SpecUnavailableException.class)
                .hasMessage(dir.resolve("none.yaml") + ": no such metric spec file.");
    }

    @Test
    void aSqlFileIsReadAsSql(@TempDir Path dir) throws IOException {
        Path spec = Files.writeString(dir.resolve("m.sql"), """
                INSERT INTO clicks_by_page
                SELECT window_start, window_end, page, COUNT(*) AS clicks
                FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
                GROUP BY window_start, window_end, page
                """);
        MetricSpec metric = MetricSpecs.load(spec.toString(), NO_S3).metrics().get(0);
        assertThat(metric.name()).isEqualTo("clicks_by_page");
        assertThat(metric.groupBy()).hasToString("[page]");
        Path broken = Files.writeString(dir.resolve("broken.sql"), "metrics: []\n");
        assertThatThrownBy(() -> MetricSpecs.load(broken.toString(), NO_S3))
                .isInstanceOf(SpecException.class).hasMessageStartingWith(broken + ":1:1: SQL syntax error: ");
    }

    @Test
    void anObjectIsParsedWithItsUrlAsTheLocationOfMistakes() {
        List<String> asked = new ArrayList<>();
        S3Client s3 = s3(request -> {
            asked.add(request.bucket() + " " + request.key());
            return "metrics:\n  - name: ok\n    aggregates:\n      - {name: n, fn: count}\n"
                    + "  - name: bad\n    window: {type: tumbling, size: 1 minute}\n    aggregates:\n"
                    + "      - {name: n, fn: count}\n";
        });
        assertThatThrownBy(() -> MetricSpecs.loadObject("s3://cdk-assets/config/abc.yaml", s3))
                .isInstanceOf(SpecException.class)
                .hasMessageStartingWith("s3://cdk-assets/config/abc.yaml:6: metrics[1].window.size: found ");
        assertThat(asked).containsExactly("cdk-assets config/abc.yaml");
    }

    @Test
    void aUrlWithoutBucketOrKeyIsOneSentence() {
        S3Client s3 = s3(request -> {
            throw new AssertionError("no request expected");
        });
        for (String url : List.of("s3://bucket", "s3://bucket/", "s3:///key")) {
            assertThatThrownBy(() -> MetricSpecs.loadObject(url, s3)).isInstanceOf(SpecUnavailableException.class)
                    .hasMessage(url + " does not name an S3 object: expected s3://BUCKET/KEY.");
        }
    }

    @Test
    void accessDeniedAndAnUnreachableS3AreOneSentenceNamingTheUrl() {
        String url = "s3://b/k.yaml";
        S3Client denied = s3(request -> {
            throw S3Exception.builder().statusCode(403).message("Access Denied").build();
        });
        assertThatThrownBy(() -> MetricSpecs.loadObject(url, denied)).isInstanceOf(SpecUnavailableException.class)
                .hasMessageStartingWith("Cannot read the metric spec s3://b/k.yaml: access denied (403): the role "
                        + "needs s3:GetObject on it");
        S3Client unreachable = s3(request -> {
            throw SdkClientException.create("Unable to execute HTTP request: Connection refused");
        });
        assertThatThrownBy(() -> MetricSpecs.loadObject(url, unreachable))
                .isInstanceOf(SpecUnavailableException.class)
                .hasMessage("Cannot read the metric spec s3://b/k.yaml: S3 could not be reached (Unable to execute "
                        + "HTTP request: Connection refused).");
    }

    @Test
    void bytesThatAreNotUtf8AreALocatedMistake() {
        S3Client s3 = new FakeS3(request -> new byte[] {'m', (byte) 0xff, '\n'});
        assertThatThrownBy(() -> MetricSpecs.loadObject("s3://b/k", s3)).isInstanceOf(SpecException.class)
                .hasMessage("s3://b/k:1: found bytes that are not UTF-8, expected a UTF-8 YAML or SQL document");
    }

    private static S3Client s3(Function<GetObjectRequest, String> answer) {
        return new FakeS3(request -> answer.apply(request).getBytes(StandardCharsets.UTF_8));
    }

    /** Answers GetObject only: a stand-in for failures S3Mock cannot produce. */
    private record FakeS3(Function<GetObjectRequest, byte[]> answer) implements S3Client {
        @Override
        public ResponseBytes<GetObjectResponse> getObjectAsBytes(GetObjectRequest request) {
            return ResponseBytes.fromByteArray(GetObjectResponse.builder().build(), answer.apply(request));
        }

        @Override
        public String serviceName() {
            return "s3";
        }

        @Override
        public void close() {
        }
    }
}
