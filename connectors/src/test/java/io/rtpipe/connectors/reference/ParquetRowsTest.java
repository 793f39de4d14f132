package io.rtpipe.connectors.reference;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.reference.ReferenceException;
import io.rtpipe.core.reference.ReferenceSpec;
import io.rtpipe.core.reference.ReferenceTable;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputDecompressor;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Parquet reference files written here with Parquet's own example writer (and Hadoop's GZIP codec, on the test
 * classpath only), read through the loader: the rows are the ones written, versioned like a CSV file.
 */
class ParquetRowsTest {
    private static final AwsClients NO_AWS = new AwsClients(AwsConfig.builder().region("us-east-1")
            .credentials(new AwsConfig.StaticKeys("test", "test")).build());
    private static final String EXPECTED_TYPES = ", expected a string, INT32, INT64, FLOAT, DOUBLE or BOOLEAN column";

    @TempDir
    Path dir;

    private static ReferenceSpec spec(Path file) {
        return new ReferenceSpec("products", new ReferenceSpec.LocalFile(file.toString()),
                ReferenceSpec.Format.PARQUET, "product_id", FieldPath.parse("product"), Duration.ofHours(1));
    }

    private Path write(String name, String schemaText, CompressionCodecName codec, Consumer<WriteRow> rows)
            throws IOException {
        Path file = dir.resolve(name);
        MessageType schema = MessageTypeParser.parseMessageType(schemaText);
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
                .withConf(new PlainParquetConfiguration()).withCompressionCodec(codec).build()) {
            rows.accept(fill -> {
                Group group = groups.newGroup();
                fill.accept(group);
                try {
                    writer.write(group);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        return file;
    }

    /** Writes one row the consumer fills. */
    private interface WriteRow {
        void row(Consumer<Group> fill);
    }

    private static ReferenceTable load(Path file) {
        try (ReferenceLoader loader = ReferenceLoader.start(List.of(spec(file)), NO_AWS)) {
            return loader.newest().get("products");
        }
    }

    @Test
    void everyScalarTypeIsReadAsWrittenAndTheFileIsVersionedByItsDigest() throws Exception {
        for (CompressionCodecName codec : List.of(CompressionCodecName.UNCOMPRESSED, CompressionCodecName.GZIP)) {
            Path file = write("products-" + codec + ".parquet", """
                    message products {
                      required binary product_id (STRING);
                      optional int32 stock;
                      required int64 units;
                      optional float weight;
                      required double price;
                      optional boolean active;
                      optional int32 packs (UINT_32);
                    }""", codec, rows -> {
                rows.row(g -> g.append("product_id", "p1").append("stock", 7).append("units", 9_000_000_000L)
                        .append("weight", 1.5f).append("price", 19.99).append("active", true)
                        .append("packs", -1)); // unsigned: 2^32 - 1
                // Nulls: stock, weight and active are left out of the row.
                rows.row(g -> g.append("product_id", "p2").append("units", -3L).append("price", 0.25));
                rows.row(g -> g.append("product_id", "p3").append("stock", -1).append("units", 0L)
                        .append("weight", 0.5f).append("price", 2.0).append("active", false));
            });
            ReferenceTable table = load(file);

            assertThat(table.rows()).as(codec.name()).isEqualTo(Map.of(
                    "p1", new ReferenceTable.Row(Map.of("product_id", "p1", "stock", 7L, "units", 9_000_000_000L,
                            "weight", 1.5, "price", 19.99, "active", true, "packs", 4_294_967_295L), Map.of()),
                    "p2", new ReferenceTable.Row(Map.of("product_id", "p2", "units", -3L, "price", 0.25), Map.of()),
                    "p3", new ReferenceTable.Row(Map.of("product_id", "p3", "stock", -1L, "units", 0L,
                            "weight", 0.5, "price", 2.0, "active", false), Map.of())));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
            assertThat(table.version()).isEqualTo("sha256:" + HexFormat.of().formatHex(digest).substring(0, 16));
        }
    }

    @Test
    void aGzipFileIsReadWithoutHadoopOnTheClassPath() throws Exception {
        Path file = write("gzip.parquet", "message m { required binary product_id (STRING); required double price; }",
                CompressionCodecName.GZIP, rows -> {
                    rows.row(g -> g.append("product_id", "p2").append("price", 6.0));
                    rows.row(g -> g.append("product_id", "p1").append("price", 4.5));
                });
        // The test class path has Hadoop for the writer; a deployed consumer's has none, so read as it would.
        URL[] withoutHadoop = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("hadoop-client")).map(ParquetRowsTest::url).toArray(URL[]::new);
        try (URLClassLoader loader = new URLClassLoader(withoutHadoop, ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> loader.loadClass("org.apache.hadoop.conf.Configuration"))
                    .isInstanceOf(ClassNotFoundException.class);
            @SuppressWarnings("unchecked")
            Function<String, String> read = (Function<String, String>) loader
                    .loadClass(ReadWithoutHadoop.class.getName()).getConstructor().newInstance();
            assertThat(read.apply(file.toString()))
                    .isEqualTo("p1={price=4.5, product_id=p1};p2={price=6.0, product_id=p2};");
        }
    }

    private static URL url(String classPathEntry) {
        try {
            return Path.of(classPathEntry).toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(classPathEntry, e);
        }
    }

    @Test
    void anIntegerKeyIsFoundByItsDecimalTextAndARepeatedKeyIsRefused() throws IOException {
        String schema = "message m { required int64 product_id; required binary name (STRING); }";
        Path file = write("ids.parquet", schema, CompressionCodecName.UNCOMPRESSED, rows -> {
            rows.row(g -> g.append("product_id", 41L).append("name", "a"));
            rows.row(g -> g.append("product_id", 42L).append("name", "b"));
        });
        assertThat(load(file).row("42").values()).isEqualTo(Map.of("product_id", 42L, "name", "b"));

        Path repeated = write("repeated.parquet", schema, CompressionCodecName.UNCOMPRESSED, rows -> {
            rows.row(g -> g.append("product_id", 41L).append("name", "a"));
            rows.row(g -> g.append("product_id", 42L).append("name", "b"));
            rows.row(g -> g.append("product_id", 41L).append("name", "c"));
        });
        assertThatThrownBy(() -> load(repeated)).isInstanceOf(ReferenceException.class)
                .hasMessage("reference products (" + repeated + "): row 3 repeats the key \"41\" of row 1");
    }

    @Test
    void aColumnThatIsNotAFlatScalarIsRefusedByName() throws IOException {
        Path nested = write("nested.parquet", """
                message m {
                  required binary product_id (STRING);
                  optional group size { required double width; }
                }""", CompressionCodecName.UNCOMPRESSED, rows -> { });
        assertThatThrownBy(() -> load(nested)).isInstanceOf(ReferenceException.class)
                .hasMessage("reference products (" + nested + "): column size is a group (nested columns are not "
                        + "read)" + EXPECTED_TYPES);

        Path list = write("list.parquet", "message m { required binary product_id (STRING); repeated int32 sizes; }",
                CompressionCodecName.UNCOMPRESSED, rows -> { });
        assertThatThrownBy(() -> load(list)).isInstanceOf(ReferenceException.class)
                .hasMessage("reference products (" + list + "): column sizes is repeated (lists are not read)"
                        + EXPECTED_TYPES);

        Path bytes = write("bytes.parquet", "message m { required binary product_id; }",
                CompressionCodecName.UNCOMPRESSED, rows -> { });
        assertThatThrownBy(() -> load(bytes)).isInstanceOf(ReferenceException.class)
                .hasMessage("reference products (" + bytes + "): column product_id has the type BINARY"
                        + EXPECTED_TYPES);

        Path date = write("date.parquet", "message m { required binary product_id (STRING); required int32 d (DATE); }",
                CompressionCodecName.UNCOMPRESSED, rows -> { });
        assertThatThrownBy(() -> load(date)).isInstanceOf(ReferenceException.class)
                .hasMessage("reference products (" + date + "): column d has the type INT32 (DATE)" + EXPECTED_TYPES);
    }

    @Test
    void pagesOfACodecOtherThanGzipAreRefusedByColumn() throws IOException {
        Path file = dir.resolve("snappy.parquet");
        MessageType schema = MessageTypeParser.parseMessageType("message m { required binary product_id (STRING); }");
        // Pages labelled SNAPPY but stored as they are: the footer names the codec the reader must refuse, and the
        // test needs no Snappy library (the build leaves it out).
        CompressionCodecFactory labelsSnappy = new CompressionCodecFactory() {
            @Override
            public BytesInputCompressor getCompressor(CompressionCodecName codec) {
                return new BytesInputCompressor() {
                    @Override
                    public BytesInput compress(BytesInput bytes) {
                        return bytes;
                    }

                    @Override
                    public CompressionCodecName getCodecName() {
                        return CompressionCodecName.SNAPPY;
                    }

                    @Override
                    public void release() {
                    }
                };
            }

            @Override
            public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
                throw new UnsupportedOperationException("the writer only compresses");
            }

            @Override
            public void release() {
            }
        };
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
                .withConf(new PlainParquetConfiguration()).withCodecFactory(labelsSnappy)
                .withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
            writer.write(new SimpleGroupFactory(schema).newGroup().append("product_id", "p1"));
        }
        assertThatThrownBy(() -> load(file)).isInstanceOf(ReferenceException.class)
                .hasMessage("reference products (" + file + "): column product_id is compressed with SNAPPY, "
                        + "expected uncompressed or GZIP pages");
    }

    @Test
    void bytesThatAreNotParquetAreRefusedInOneSentence() throws IOException {
        Path file = dir.resolve("products.parquet");
        Files.writeString(file, "product_id,price\np1,2.5\n");
        assertThatThrownBy(() -> load(file)).isInstanceOf(ReferenceException.class)
                .hasMessageStartingWith("reference products (" + file + "): is not a readable Parquet file (");
    }
}
