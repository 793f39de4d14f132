package io.rtpipe.core.event;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.spec.SpecException;
import io.rtpipe.core.spec.SpecLoader;
import io.rtpipe.core.spec.SpecWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The spec's avro and protobuf decoder sections: files beside the spec, located mistakes, and back to YAML. */
class BinaryDecoderSpecTest {
    private static final String METRICS = """
            metrics:
              - name: orders
                timestamp: ts
                aggregates:
                  - {name: n, fn: count}
            """;

    private static EngineConfig load(Path dir, String decoder) throws IOException {
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, decoder + METRICS);
        return SpecLoader.standard().load(spec);
    }

    private static String error(Path dir, String decoder) {
        try {
            load(dir, decoder);
        } catch (SpecException e) {
            return e.getMessage().substring(e.getMessage().indexOf("spec.yaml"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("loaded: " + decoder);
    }

    @Test
    void schemaAndDescriptorFilesAreReadBesideTheSpec(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("order.avsc"), BinaryRecords.ORDER_SCHEMA);
        Files.write(dir.resolve("shop.desc"), BinaryRecords.shopDescriptorSet());

        EngineConfig avro = load(dir, "decoder: {type: avro, framing: confluent, schema: order.avsc}\n");
        assertThat(avro.decoder()).isEqualTo(new DecoderSpec.Avro(Framing.CONFLUENT, BinaryRecords.ORDER_SCHEMA,
                null));
        assertThat(avro.decoder().readsRegistry()).isFalse();
        EngineConfig registry = load(dir, "decoder: {type: avro, framing: confluent, registry_url: "
                + "\"http://localhost:8081\"}\n");
        assertThat(registry.decoder()).isEqualTo(new DecoderSpec.Avro(Framing.CONFLUENT, null,
                URI.create("http://localhost:8081")));
        assertThat(registry.decoder().readsRegistry()).isTrue();
        assertThat(load(dir, "decoder: {type: avro, framing: glue}\n").decoder().readsRegistry()).isTrue();

        EngineConfig protobuf = load(dir, "decoder: {type: protobuf, framing: glue, descriptor: shop.desc, "
                + "message: shop.User}\n");
        DecoderSpec.Protobuf spec = (DecoderSpec.Protobuf) protobuf.decoder();
        assertThat(spec.framing()).isEqualTo(Framing.GLUE);
        assertThat(spec.message().getFullName()).isEqualTo("shop.User");

        // Written back, the spec loads to the same decoder (the schema inline, the descriptor by its file name).
        Files.writeString(dir.resolve("again.yaml"), SpecWriter.write(avro));
        assertThat(SpecLoader.standard().load(dir.resolve("again.yaml")).decoder()).isEqualTo(avro.decoder());
        Files.writeString(dir.resolve("again.yaml"), SpecWriter.write(protobuf));
        assertThat(SpecLoader.standard().load(dir.resolve("again.yaml")).decoder()).isEqualTo(spec);
    }

    @Test
    void mistakesAreLocatedSentences(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("shop.desc"), BinaryRecords.shopDescriptorSet());
        assertThat(error(dir, "decoder: {type: avro}\n")).isEqualTo("spec.yaml:1: decoder.schema: found nothing, "
                + "expected a writer schema: an .avsc file name, or the schema's JSON as a string (plain records "
                + "name none; framing confluent or glue reads it from a registry)");
        assertThat(error(dir, "decoder: {type: avro, framing: kafka}\n")).isEqualTo("spec.yaml:1: decoder.framing: "
                + "found \"kafka\", expected one of plain, confluent, glue");
        assertThat(error(dir, "decoder: {type: avro, schema: missing.avsc}\n")).startsWith("spec.yaml:1: "
                + "decoder.schema: found a file that cannot be read (").endsWith("missing.avsc: "
                + "NoSuchFileException), expected a readable file, relative to the spec's directory");
        assertThat(error(dir, "decoder: {type: avro, schema: '{\"type\": \"recrd\"}'}\n")).startsWith(
                "spec.yaml:1: decoder.schema: found \"{\"type\": \"recrd\"}\", expected a writer schema: an "
                        + ".avsc file name, or the schema's JSON as a string, but it is not an Avro schema (");
        assertThat(error(dir, "decoder: {type: avro, framing: confluent}\n")).isEqualTo("spec.yaml:1: "
                + "decoder.registry_url: found nothing, expected the Confluent Schema Registry's http(s) URL such as "
                + "http://localhost:8081 (confluent framing without a schema)");
        assertThat(error(dir, "decoder: {type: avro, framing: glue, registry_url: \"http://x:1\"}\n"))
                .isEqualTo("spec.yaml:1: decoder.registry_url: found \"http://x:1\", expected no registry_url: it "
                        + "is read only with framing confluent and no schema");
        assertThat(error(dir, "decoder: {type: protobuf, descriptor: shop.desc}\n")).isEqualTo("spec.yaml:1: "
                + "decoder.message: found nothing, expected the message type's full name such as shop.Order");
        assertThat(error(dir, "decoder: {type: protobuf, descriptor: shop.desc, message: Order}\n")).isEqualTo(
                "spec.yaml:1: decoder.message: found \"Order\", expected the message type's full name such as "
                        + "shop.Order in shop.desc, but the descriptor set has no message Order (it has shop.Order, "
                        + "shop.User)");
        assertThat(error(dir, "decoder: {type: protobuf, descriptor: shop.desc, message: shop.Order, schema: x}\n"))
                .isEqualTo("spec.yaml:1: decoder.schema: found an unknown key, expected one of type, framing, "
                        + "descriptor, message");
        assertThat(error(dir, "decoder: {type: thrift}\n")).isEqualTo("spec.yaml:1: decoder.type: found "
                + "\"thrift\", expected one of json, csv, regex, avro, protobuf");
    }
}
