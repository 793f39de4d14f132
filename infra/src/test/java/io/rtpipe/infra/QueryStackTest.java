package io.rtpipe.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.contract.ArchiveColumns;
import io.rtpipe.contract.ArchivePrefixes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The query stack's Glue tables declare exactly contract's columns, and its workgroup encrypts its results. */
class QueryStackTest {

    @TempDir
    static Path tmp;

    private static RtpipeApp.Stacks stacks;
    private static JsonNode template;

    @BeforeAll
    static void synth() {
        App app = TestApps.app(tmp.resolve("cdk.out"));
        stacks = RtpipeApp.build(app, TestApps.settings(TestApps.assets(tmp.resolve("assets"))).build());
        app.synth();
        template = new ObjectMapper().valueToTree(Template.fromStack(stacks.query()).toJSON());
    }

    private static List<JsonNode> resources(String type) {
        List<JsonNode> found = new ArrayList<>();
        template.path("Resources").forEach(r -> {
            if (type.equals(r.path("Type").asText())) {
                found.add(r.path("Properties"));
            }
        });
        return found;
    }

    private static JsonNode table(String name) {
        return resources("AWS::Glue::Table").stream()
                .filter(t -> name.equals(t.path("TableInput").path("Name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no Glue table " + name));
    }

    @Test
    void theBuiltInMetricsParquetResultsAreATableOfTypedColumns() {
        JsonNode input = table("results_events_per_minute").path("TableInput");
        List<String> declared = new ArrayList<>();
        input.path("StorageDescriptor").path("Columns")
                .forEach(c -> declared.add(c.path("Name").asText() + ":" + c.path("Type").asText()));
        // The built-in metric: count per type in 1-minute windows.
        assertThat(declared).containsExactly("window_start:timestamp", "window_end:timestamp", "type:string",
                "count:bigint");
        assertThat(input.path("StorageDescriptor").path("SerdeInfo").path("SerializationLibrary").asText())
                .isEqualTo("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
        List<String> partitions = new ArrayList<>();
        input.path("PartitionKeys").forEach(c -> partitions.add(c.path("Name").asText()));
        assertThat(partitions).containsExactly("dt", "hr");
        JsonNode parameters = input.path("Parameters");
        assertThat(parameters.path("classification").asText()).isEqualTo("parquet");
        assertThat(parameters.path("projection.enabled").asText()).isEqualTo("true");
        assertThat(parameters.path("storage.location.template").toString())
                .contains("/results-parquet/metric=events_per_minute/dt=${dt}/hr=${hr}/");
    }

    @Test
    void eachArchiveTableHasTheContractsColumnsAndTypes() {
        assertThat(resources("AWS::Glue::Table")).hasSize(4);
        for (String prefix : List.of(ArchivePrefixes.RAW, ArchivePrefixes.DEADLETTER, ArchivePrefixes.LATE)) {
            JsonNode input = table(prefix).path("TableInput");
            List<String> declared = new ArrayList<>();
            input.path("StorageDescriptor").path("Columns")
                    .forEach(c -> declared.add(c.path("Name").asText() + ":" + c.path("Type").asText()));
            assertThat(declared).as(prefix).containsExactlyElementsOf(ArchiveColumns.of(prefix).stream()
                    .map(c -> c.name() + ":" + c.type().glueType()).toList());
            assertThat(input.path("StorageDescriptor").path("SerdeInfo").path("SerializationLibrary").asText())
                    .isEqualTo("org.openx.data.jsonserde.JsonSerDe");
            List<String> partitions = new ArrayList<>();
            input.path("PartitionKeys").forEach(c -> partitions.add(c.path("Name").asText()));
            assertThat(partitions).containsExactly("dt", "hr");
            JsonNode parameters = input.path("Parameters");
            assertThat(parameters.path("projection.enabled").asText()).isEqualTo("true");
            assertThat(parameters.path("projection.dt.format").asText()).isEqualTo("yyyy-MM-dd");
            assertThat(parameters.path("projection.hr.digits").asText()).isEqualTo("2");
            // The template's location follows the object keys: <prefix>/<stream>/dt=…/hr=…/
            String template = parameters.path("storage.location.template").toString();
            assertThat(template).contains("/" + prefix + "/").contains("/dt=${dt}/hr=${hr}/");
        }
        assertThat(table("late").path("TableInput").path("StorageDescriptor").path("Columns").toString())
                .contains("\"metric\"", "\"window_start\"");
    }

    @Test
    void theDatabaseHoldsTheTables() {
        assertThat(resources("AWS::Glue::Database")).singleElement().satisfies(db ->
                assertThat(db.path("DatabaseInput").path("Name").asText()).isEqualTo("rtpipe_archive"));
        assertThat(resources("AWS::Glue::Table"))
                .allSatisfy(t -> assertThat(t.path("DatabaseName").asText()).isEqualTo("rtpipe_archive"));
    }

    @Test
    void theWorkGroupForcesEncryptedResultsIntoItsOwnBucket() {
        Template t = Template.fromStack(stacks.query());
        t.hasResourceProperties("AWS::Athena::WorkGroup", Map.of(
                "Name", "rtpipe",
                "WorkGroupConfiguration", Match.objectLike(Map.of(
                        "EnforceWorkGroupConfiguration", true,
                        "ResultConfiguration", Match.objectLike(Map.of(
                                "EncryptionConfiguration", Map.of("EncryptionOption", "SSE_S3")))))));
        assertThat(resources("AWS::S3::Bucket")).singleElement().satisfies(bucket -> {
            assertThat(bucket.path("BucketEncryption").toString()).contains("\"SSEAlgorithm\":\"AES256\"");
            assertThat(bucket.path("PublicAccessBlockConfiguration").path("BlockPublicAcls").asBoolean()).isTrue();
        });
        String output = resources("AWS::Athena::WorkGroup").get(0).path("WorkGroupConfiguration")
                .path("ResultConfiguration").path("OutputLocation").toString();
        assertThat(output).contains("QueryResults");
    }

    @Test
    void cdkNagReportsNothingUnsuppressed() {
        Annotations annotations = Annotations.fromStack(stacks.query());
        assertThat(annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
        assertThat(annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
    }
}
