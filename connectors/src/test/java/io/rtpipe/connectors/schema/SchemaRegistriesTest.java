package io.rtpipe.connectors.schema;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.event.Framing;
import io.rtpipe.core.event.SchemaId;
import io.rtpipe.core.event.SchemaRegistry;
import io.rtpipe.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Glue and Confluent registry clients against local fakes: answers, caching, outages retried, refusals. */
class SchemaRegistriesTest {
    private static final String SCHEMA = "{\"type\": \"record\", \"name\": \"E\", \"fields\": [{\"name\": \"ts\", "
            + "\"type\": \"long\"}]}";
    private static final UUID VERSION = UUID.fromString("11111111-2222-3333-4444-555555555555");

    private final List<Long> waits = new ArrayList<>();

    private RetryingSchemaRegistry retrying(String name, SchemaFetcher fetcher) {
        return new RetryingSchemaRegistry(name, fetcher, waits::add, () -> 0.5);
    }

    private static AwsClients glueClients(URI endpoint) {
        return new AwsClients(AwsConfig.builder().services(Set.of(AwsConfig.Service.GLUE)).glueEndpoint(endpoint)
                .credentials(new AwsConfig.StaticKeys("test", "test")).build());
    }

    @Test
    void glueVersionsAreFetchedOnceAndAnOutageIsWaitedOut() {
        try (FakeGlueSchemaRegistry fake = new FakeGlueSchemaRegistry()) {
            fake.register(VERSION, SCHEMA);
            SchemaRegistry registry = retrying("the fake Glue registry",
                    new GlueSchemaFetcher(glueClients(fake.uri()).glue()));
            SchemaId id = new SchemaId(Framing.GLUE, VERSION.toString());

            fake.failNext(3);
            assertThat(registry.schema(id)).isEqualTo(SCHEMA);
            assertThat(registry.schema(id)).isEqualTo(SCHEMA);
            // One backoff wait per failed call (the Glue client itself does not retry), doubling from 100 ms.
            assertThat(fake.lookups()).isEqualTo(4);
            assertThat(waits).containsExactly(RetryingSchemaRegistry.BACKOFF.capNanos(1) / 2,
                    RetryingSchemaRegistry.BACKOFF.capNanos(2) / 2, RetryingSchemaRegistry.BACKOFF.capNanos(3) / 2);
            assertThat(waits.get(2)).isEqualTo(200_000_000L);

            int before = fake.lookups();
            SchemaId unknown = new SchemaId(Framing.GLUE, UUID.randomUUID().toString());
            assertThatThrownBy(() -> registry.schema(unknown)).isInstanceOf(SchemaRegistry.UnknownSchemaException.class)
                    .hasMessage(unknown + " is not in the registry (GetSchemaVersion: Schema version is not found.)");
            assertThatThrownBy(() -> registry.schema(unknown)).isInstanceOf(SchemaRegistry.UnknownSchemaException.class);
            assertThat(fake.lookups()).isEqualTo(before + 1);  // the refusal is cached too
        }
    }

    @Test
    void confluentIdsAreFetchedByHttpAndOnlyAvroIsTaken() {
        try (FakeConfluentRegistry fake = new FakeConfluentRegistry()) {
            fake.register(42, "AVRO", SCHEMA);
            fake.register(43, "PROTOBUF", "syntax = \"proto3\"; message E { int64 ts = 1; }");
            SchemaRegistry registry = retrying("the fake Confluent registry", new ConfluentSchemaFetcher(fake.uri()));

            fake.failNext(2);
            assertThat(registry.schema(new SchemaId(Framing.CONFLUENT, "42"))).isEqualTo(SCHEMA);
            assertThat(fake.lookups()).isEqualTo(3);
            assertThat(waits).containsExactly(RetryingSchemaRegistry.BACKOFF.capNanos(1) / 2,
                    RetryingSchemaRegistry.BACKOFF.capNanos(2) / 2);
            assertThat(registry.schema(new SchemaId(Framing.CONFLUENT, "42"))).isEqualTo(SCHEMA);
            assertThat(fake.lookups()).isEqualTo(3);

            assertThatThrownBy(() -> registry.schema(new SchemaId(Framing.CONFLUENT, "43")))
                    .hasMessage("Confluent schema id 43 is not in the registry (it is a PROTOBUF schema, not Avro)");
            assertThatThrownBy(() -> registry.schema(new SchemaId(Framing.CONFLUENT, "7")))
                    .hasMessage("Confluent schema id 7 is not in the registry (GET " + fake.uri()
                            + "/schemas/ids/7 answered 404)");
        }
    }

    @Test
    void aStoppedShardStopsWaitingForTheRegistry() {
        SchemaFetcher down = id -> {
            throw new IllegalStateException("connection refused");
        };
        RetryingSchemaRegistry registry = new RetryingSchemaRegistry("a registry that is down", down, nanos -> {
            throw new InterruptedException();
        }, () -> 0.5);
        assertThatThrownBy(() -> registry.schema(new SchemaId(Framing.CONFLUENT, "1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Confluent schema id 1 could not be fetched from a registry that is down before the "
                        + "shard was stopped (connection refused)");
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void onlyADecoderThatReadsARegistryGetsOne() {
        AwsClients local = new AwsClients(AwsConfig.builder().endpoint(URI.create("http://127.0.0.1:1"))
                .glueEndpoint(null).credentials(new AwsConfig.StaticKeys("test", "test")).build());
        EngineConfig json = EngineConfig.defaults();
        assertThat(SchemaRegistries.attach(json, local)).isSameAs(json);
        EngineConfig inline = SpecLoader.standard().parse("m.yaml", "decoder: {type: avro, framing: glue, schema: '"
                + SCHEMA + "'}\nmetrics: [{name: n, aggregates: [{name: n, fn: count}]}]\n");
        assertThat(SchemaRegistries.attach(inline, local)).isSameAs(inline);

        EngineConfig glue = SpecLoader.standard().parse("m.yaml",
                "decoder: {type: avro, framing: glue}\nmetrics: [{name: n, aggregates: [{name: n, fn: count}]}]\n");
        assertThatThrownBy(() -> SchemaRegistries.attach(glue, local)).hasMessage("the spec's decoder reads the "
                + "Glue Schema Registry, and the AWS endpoints are overridden for " + local.config().services()
                + " but not for Glue: set AWS_ENDPOINT_URL_GLUE (or --glue-endpoint), else its calls would reach "
                + "real AWS");
        AwsClients withGlue = new AwsClients(local.config().toBuilder().glueEndpoint(URI.create("http://127.0.0.1:2"))
                .build());
        assertThat(SchemaRegistries.attach(glue, withGlue).schemaRegistry()).isInstanceOf(
                RetryingSchemaRegistry.class);
    }
}
