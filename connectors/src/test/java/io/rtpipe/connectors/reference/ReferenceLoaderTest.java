package io.rtpipe.connectors.reference;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.reference.ReferenceException;
import io.rtpipe.core.reference.ReferenceSpec;
import io.rtpipe.core.reference.ReferenceTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A file reference through the loader: its version is its content's digest; a version neither in memory nor in the
 * file is absent.
 */
class ReferenceLoaderTest {
    private static final AwsClients NO_AWS = new AwsClients(AwsConfig.builder().region("us-east-1")
            .credentials(new AwsConfig.StaticKeys("test", "test")).build());

    private static ReferenceSpec spec(Path file) {
        return new ReferenceSpec("regions", new ReferenceSpec.LocalFile(file.toString()),
                ReferenceSpec.Format.JSON_LINES, "code", FieldPath.parse("region"), Duration.ofHours(1));
    }

    private static String sha256(String text) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return "sha256:" + HexFormat.of().formatHex(digest).substring(0, 16);
    }

    @Test
    void aFileIsVersionedByItsContentAndAVersionIsFoundInMemoryOrInTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("regions.jsonl");
        String first = "{\"code\": \"eu\", \"name\": \"Europe\"}\n";
        Files.writeString(file, first);
        try (ReferenceLoader loader = ReferenceLoader.start(List.of(spec(file)), NO_AWS)) {
            ReferenceTable loaded = loader.newest().get("regions");
            assertThat(loaded.version()).isEqualTo(sha256(first));
            assertThat(loaded.row("eu").values()).containsEntry("name", "Europe");
            assertThat(loader.version("regions", sha256(first))).contains(loaded);
            String second = "{\"code\": \"eu\", \"name\": \"Europa\"}\n";
            Files.writeString(file, second);
            // The file now holds the second version: it is read from it; the first is still the one in use.
            assertThat(loader.version("regions", sha256(second)).orElseThrow().row("eu").values())
                    .containsEntry("name", "Europa");
            assertThat(loader.version("regions", sha256(first))).contains(loaded);
            assertThat(loader.version("regions", sha256("{\"code\": \"us\"}\n"))).as("never held").isEmpty();
            assertThat(loader.version("elsewhere", sha256(first))).isEmpty();
        }
    }

    @Test
    void aFileThatCannotBeReadStopsTheStartWithOneSentence(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.jsonl");
        assertThatThrownBy(() -> ReferenceLoader.start(List.of(spec(missing)), NO_AWS))
                .isInstanceOf(ReferenceException.class)
                .hasMessage("reference regions (" + missing + "): cannot be read (java.nio.file.NoSuchFileException: "
                        + missing + ")");
    }
}
