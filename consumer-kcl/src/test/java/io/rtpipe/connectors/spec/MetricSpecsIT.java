package io.rtpipe.connectors.spec;

import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.spec.SpecException;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Metric specs read from S3 objects on the sandbox's S3 (S3Mock by default) through the clients of its
 * {@code AwsConfig}, as the consumer and the Lambda read the object the CDK app ships (lives here because connectors
 * cannot depend on the sandbox).
 */
@ExtendWith(SandboxExtension.class)
class MetricSpecsIT {

    private static String bucket;

    @BeforeAll
    static void setUp(LocalAws aws) {
        bucket = unique("spec-it");
        aws.createBucket(bucket);
        try (S3Client s3 = aws.clients().s3()) {
            s3.putObject(b -> b.bucket(bucket).key("config/good.yaml"), RequestBody.fromString("""
                    metrics:
                      - name: amount_by_region
                        group_by: [region]
                        aggregates:
                          - {name: amount, fn: sum, field: amount}
                    """));
            s3.putObject(b -> b.bucket(bucket).key("config/bad.yaml"), RequestBody.fromString("""
                    metrics:
                      - name: amount_by_region
                        window: {type: tumbling, size: 1 minute}
                        aggregates:
                          - {name: amount, fn: sum, field: amount}
                    """));
            // As the CDK app ships rtpipe:metricsFile: the asset's key keeps the file's extension.
            s3.putObject(b -> b.bucket(bucket).key("config/0a1b2c.sql"), RequestBody.fromString("""
                    INSERT INTO amount_by_region
                    SELECT window_start, window_end, region, SUM(amount) AS amount
                    FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
                    GROUP BY window_start, window_end, region
                    """));
            s3.putObject(b -> b.bucket(bucket).key("config/bad.sql"), RequestBody.fromString("""
                    INSERT INTO amount_by_region
                    SELECT region, SUM(amount) AS amount FROM events GROUP BY region
                    """));
        }
    }

    @Test
    void aSqlObjectIsReadAsSqlAndMeansWhatItsYamlTwinDoes(LocalAws aws) {
        MetricSpec fromSql = MetricSpecs.load("s3://" + bucket + "/config/0a1b2c.sql", aws.clients()).metrics().get(0);
        MetricSpec fromYaml = MetricSpecs.load("s3://" + bucket + "/config/good.yaml", aws.clients()).metrics().get(0);
        assertThat(fromSql.definition()).isEqualTo(fromYaml.definition());
        String url = "s3://" + bucket + "/config/bad.sql";
        assertThatThrownBy(() -> MetricSpecs.load(url, aws.clients())).isInstanceOf(SpecException.class)
                .hasMessageStartingWith(url + ":2:43: non-windowed aggregation is refused: ");
    }

    @Test
    void anObjectIsTheSpecItHolds(LocalAws aws) {
        assertThat(MetricSpecs.load("s3://" + bucket + "/config/good.yaml", aws.clients()).metrics())
                .extracting(MetricSpec::name).containsExactly("amount_by_region");
    }

    @Test
    void aMistakeIsLocatedInTheObject(LocalAws aws) {
        String url = "s3://" + bucket + "/config/bad.yaml";
        assertThatThrownBy(() -> MetricSpecs.load(url, aws.clients())).isInstanceOf(SpecException.class)
                .hasMessage(url + ":3: metrics[0].window.size: found \"1 minute\", expected a duration such as "
                        + "30s, 1m, 1h");
    }

    @Test
    void aMissingObjectOrBucketIsOneSentenceNamingTheUrl(LocalAws aws) {
        String missingKey = "s3://" + bucket + "/config/none.yaml";
        assertThatThrownBy(() -> MetricSpecs.load(missingKey, aws.clients()))
                .isInstanceOf(SpecUnavailableException.class)
                .hasMessage("Cannot read the metric spec " + missingKey + ": there is no such object (redeploy the "
                        + "stack that ships it, or fix the name).");
        String missingBucket = "s3://" + unique("no-such") + "/m.yaml";
        assertThatThrownBy(() -> MetricSpecs.load(missingBucket, aws.clients()))
                .isInstanceOf(SpecUnavailableException.class)
                .hasMessage("Cannot read the metric spec " + missingBucket + ": there is no such bucket.");
    }
}
