package io.rtpipe.core.event;

import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.ShardEngine;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.rtpipe.core.event.BinaryRecords.avroOrder;
import static io.rtpipe.core.event.BinaryRecords.concat;
import static io.rtpipe.core.event.BinaryRecords.confluent;
import static io.rtpipe.core.event.BinaryRecords.glue;
import static io.rtpipe.core.event.BinaryRecords.protobufOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Avro and Protobuf decoders over each framing, field by field and end to end through an engine. */
class BinaryDecodersTest {
    private static final UUID VERSION = UUID.fromString("0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0");
    private static final List<String> PATHS = List.of("ts", "status", "amount", "user.id", "user.country", "kind",
            "attrs.clicks", "digest", "tags", "user", "user.missing", "coupon", "big");
    private static final FieldSelection SELECTION = selection();

    private static FieldSelection selection() {
        FieldSelection.Builder builder = new FieldSelection.Builder();
        PATHS.forEach(path -> builder.path(FieldPath.parse(path)));
        return builder.wholeValue("tags").build();
    }

    private static int slot(String path) {
        return PATHS.indexOf(path);
    }

    private static byte[] order(String country) {
        return avroOrder(1_700_000_000_123L, 200, 2.5f, "u1", country, "APP", List.of("a", "b"),
                new LinkedHashMap<>(Map.of("clicks", 7L)), new byte[] {1, 2, 3});
    }

    /** A registry that knows the Order schema under Confluent id 42 and Glue version VERSION, and counts lookups. */
    private static final class CountingRegistry implements SchemaRegistry {
        final List<SchemaId> lookups = new ArrayList<>();

        @Override
        public String schema(SchemaId id) {
            lookups.add(id);
            if (id.equals(new SchemaId(Framing.CONFLUENT, "42")) || id.equals(new SchemaId(Framing.GLUE,
                    VERSION.toString()))) {
                return BinaryRecords.ORDER_SCHEMA;
            }
            throw new UnknownSchemaException(id, "the registry answered 404");
        }
    }

    @Test
    void avroFieldsNestedAsInJson() {
        EventDecoder decoder = new DecoderSpec.Avro(Framing.PLAIN, BinaryRecords.ORDER_SCHEMA, null)
                .create(SELECTION, SchemaRegistry.NONE);
        EventFields fields = new EventFields(SELECTION);
        assertThat(decoder.decode(order("DE"), fields)).isNull();
        assertThat(fields.kind(slot("ts"))).isEqualTo(FieldKind.INTEGER);
        assertThat(fields.longValue(slot("ts"))).isEqualTo(1_700_000_000_123L);
        assertThat(fields.longValue(slot("status"))).isEqualTo(200);
        assertThat(fields.kind(slot("amount"))).isEqualTo(FieldKind.DECIMAL);
        assertThat(fields.doubleValue(slot("amount"))).isEqualTo(2.5);
        assertThat(fields.text(slot("user.id"))).isEqualTo("u1");
        assertThat(fields.text(slot("user.country"))).isEqualTo("DE");
        assertThat(fields.text(slot("kind"))).isEqualTo("APP");
        assertThat(fields.longValue(slot("attrs.clicks"))).isEqualTo(7);
        assertThat(fields.text(slot("digest"))).isEqualTo("AQID");
        assertThat(fields.kind(slot("tags"))).isEqualTo(FieldKind.ARRAY);
        assertThat(fields.kind(slot("user"))).isEqualTo(FieldKind.OBJECT);
        assertThat(fields.kind(slot("user.missing"))).isEqualTo(FieldKind.MISSING);
        assertThat(fields.kind(slot("coupon"))).isEqualTo(FieldKind.MISSING);
        assertThat(fields.wholeValue(0)).isEqualTo(List.of("a", "b"));

        assertThat(decoder.decode(order(null), fields)).isNull();
        assertThat(fields.kind(slot("user.country"))).isEqualTo(FieldKind.NULL);
    }

    @Test
    void onlyTheFieldsReadAreMaterializedUnlessTheWholeEventIs() {
        FieldSelection country = new FieldSelection.Builder().path(FieldPath.parse("user.country")).build();
        FieldSelection whole = new FieldSelection.Builder().path(FieldPath.parse("status")).wholeEvent().build();
        DecoderSpec avro = new DecoderSpec.Avro(Framing.PLAIN, BinaryRecords.ORDER_SCHEMA, null);
        DecoderSpec protobuf = DecoderSpec.Protobuf.of(Framing.PLAIN, "shop.desc", BinaryRecords.shopDescriptorSet(),
                "shop.Order");
        byte[] protobufOrder = protobufOrder(5, 200, 1, "u1", "DE", 0, List.of(), Map.of(), null, 0);

        EventFields fields = new EventFields(country);
        assertThat(avro.create(country, SchemaRegistry.NONE).decode(order("DE"), fields)).isNull();
        assertThat(fields.text(0)).isEqualTo("DE");
        assertThat(protobuf.create(country, SchemaRegistry.NONE).decode(protobufOrder, fields)).isNull();
        assertThat(fields.text(0)).isEqualTo("DE");

        fields = new EventFields(whole);
        assertThat(avro.create(whole, SchemaRegistry.NONE).decode(order("DE"), fields)).isNull();
        assertThat(fields.wholeEvent()).containsOnlyKeys("ts", "status", "amount", "user", "kind", "tags", "attrs",
                "digest");
        assertThat(fields.wholeEvent().get("user")).isEqualTo(Map.of("id", "u1", "country", "DE"));
        assertThat(protobuf.create(whole, SchemaRegistry.NONE).decode(protobufOrder, fields)).isNull();
        // every field but the unset optional coupon
        assertThat(fields.wholeEvent()).containsOnlyKeys("ts", "status", "amount", "user", "kind", "tags", "attrs",
                "digest", "big");
        assertThat(fields.longValue(0)).isEqualTo(200);
    }

    @Test
    void avroFramingsFindTheSchemaInTheRegistryOncePerId() {
        CountingRegistry registry = new CountingRegistry();
        EventFields fields = new EventFields(SELECTION);
        EventDecoder glueDecoder = new DecoderSpec.Avro(Framing.GLUE, null, null).create(SELECTION, registry);
        for (boolean zlib : new boolean[] {false, true, false}) {
            assertThat(glueDecoder.decode(glue(VERSION, zlib, order("FR")), fields)).isNull();
            assertThat(fields.text(slot("user.country"))).isEqualTo("FR");
        }
        EventDecoder confluentDecoder = new DecoderSpec.Avro(Framing.CONFLUENT, null,
                java.net.URI.create("http://localhost:1")).create(SELECTION, registry);
        assertThat(confluentDecoder.decode(confluent(42, order("IT")), fields)).isNull();
        assertThat(confluentDecoder.decode(confluent(42, order("IT")), fields)).isNull();
        assertThat(fields.text(slot("user.country"))).isEqualTo("IT");
        assertThat(registry.lookups).containsExactly(new SchemaId(Framing.GLUE, VERSION.toString()),
                new SchemaId(Framing.CONFLUENT, "42"));

        assertThat(confluentDecoder.decode(confluent(7, order("IT")), fields)).isEqualTo(
                "the record's writer schema cannot be had: Confluent schema id 7 is not in the registry (the "
                        + "registry answered 404)");
        assertThat(fields.kind(slot("ts"))).isEqualTo(FieldKind.MISSING);
    }

    @Test
    void aFramedRecordWithASchemaInTheSpecNeedsNoRegistry() {
        EventDecoder decoder = new DecoderSpec.Avro(Framing.CONFLUENT, BinaryRecords.ORDER_SCHEMA, null)
                .create(SELECTION, SchemaRegistry.NONE);
        EventFields fields = new EventFields(SELECTION);
        assertThat(decoder.decode(confluent(99, order("ES")), fields)).isNull();
        assertThat(fields.text(slot("user.country"))).isEqualTo("ES");
        assertThatThrownBy(() -> new DecoderSpec.Avro(Framing.GLUE, null, null).create(SELECTION,
                SchemaRegistry.NONE)).hasMessage("the glue-framed Avro decoder reads writer schemas from a "
                + "registry, and none was given");
    }

    @Test
    void corruptedHeadersAndBodiesAreDeadLetterReasons() {
        EventFields fields = new EventFields(SELECTION);
        EventDecoder confluentDecoder = new DecoderSpec.Avro(Framing.CONFLUENT, BinaryRecords.ORDER_SCHEMA, null)
                .create(SELECTION, SchemaRegistry.NONE);
        byte[] badMagic = confluent(1, order("DE"));
        badMagic[0] = 1;
        assertThat(confluentDecoder.decode(badMagic, fields)).startsWith(
                "not Confluent-framed: expected magic byte 0 and a 4-byte schema id, found ").endsWith(
                "bytes starting 01000000...");
        assertThat(confluentDecoder.decode(new byte[] {0, 0, 1}, fields)).isEqualTo(
                "not Confluent-framed: expected magic byte 0 and a 4-byte schema id, found 3 bytes starting 000001");
        assertThat(confluentDecoder.decode(new byte[0], fields)).endsWith("found an empty record");

        EventDecoder glueDecoder = new DecoderSpec.Avro(Framing.GLUE, BinaryRecords.ORDER_SCHEMA, null)
                .create(SELECTION, SchemaRegistry.NONE);
        byte[] badVersion = glue(VERSION, false, order("DE"));
        badVersion[0] = 2;
        assertThat(glueDecoder.decode(badVersion, fields)).startsWith("not Glue Schema Registry-framed: expected "
                + "header version byte 3, a compression byte and a 16-byte schema version id, found ");
        byte[] badCompression = glue(VERSION, false, order("DE"));
        badCompression[1] = 7;
        assertThat(glueDecoder.decode(badCompression, fields)).isEqualTo(
                "not Glue Schema Registry-framed: compression byte 7 is neither 0 (none) nor 5 (zlib)");
        byte[] badZlib = glue(VERSION, false, order("DE"));
        badZlib[1] = 5;
        assertThat(glueDecoder.decode(badZlib, fields)).startsWith(
                "the Glue Schema Registry body is not valid zlib data (");

        byte[] whole = order("DE");
        assertThat(glueDecoder.decode(glue(VERSION, false, Arrays.copyOf(whole, whole.length - 4)), fields))
                .isEqualTo("not valid Avro of schema shop.Order: the record ends early");
        assertThat(glueDecoder.decode(glue(VERSION, false, concat(whole, new byte[] {0})), fields))
                .isEqualTo("not valid Avro of schema shop.Order: bytes follow the record");

        // A corrupt length must not allocate what it claims: ts 1, status 200, amount 0, then user.id claiming a
        // string of 1,000,000,000 bytes (zigzag varint), and nothing after it.
        byte[] hugeString = {2, (byte) 0x90, 3, 0, 0, 0, 0, (byte) 0x80, (byte) 0xa8, (byte) 0xd6, (byte) 0xb9, 7};
        assertThat(glueDecoder.decode(glue(VERSION, false, hugeString), fields))
                .isEqualTo("not valid Avro of schema shop.Order: the record ends early");
    }

    @Test
    void protobufFieldsNestedAsInJsonOverEachFraming() {
        DecoderSpec.Protobuf spec = DecoderSpec.Protobuf.of(Framing.PLAIN, "shop.desc",
                BinaryRecords.shopDescriptorSet(), "shop.Order");
        byte[] message = protobufOrder(1_700_000_000_123L, 200, 2.5, "u1", "DE", 1, List.of("a", "b"),
                Map.of("clicks", 7L), null, -1L);
        Map<Framing, byte[]> framed = new LinkedHashMap<>();
        framed.put(Framing.PLAIN, message);
        framed.put(Framing.CONFLUENT, confluent(5, concat(new byte[] {0}, message)));  // indexes [0], short form
        framed.put(Framing.GLUE, glue(VERSION, true, concat(new byte[] {0}, message)));  // message index 0
        EventFields fields = new EventFields(SELECTION);
        for (Map.Entry<Framing, byte[]> record : framed.entrySet()) {
            EventDecoder decoder = new DecoderSpec.Protobuf(record.getKey(), spec.descriptorFile(), spec.message())
                    .create(SELECTION, SchemaRegistry.NONE);
            assertThat(decoder.decode(record.getValue(), fields)).as(record.getKey().specName()).isNull();
            assertThat(fields.longValue(slot("ts"))).isEqualTo(1_700_000_000_123L);
            assertThat(fields.longValue(slot("status"))).isEqualTo(200);
            assertThat(fields.doubleValue(slot("amount"))).isEqualTo(2.5);
            assertThat(fields.text(slot("user.id"))).isEqualTo("u1");
            assertThat(fields.text(slot("user.country"))).isEqualTo("DE");
            assertThat(fields.text(slot("kind"))).isEqualTo("APP");
            assertThat(fields.longValue(slot("attrs.clicks"))).isEqualTo(7);
            assertThat(fields.text(slot("digest"))).isEqualTo("AQID");
            assertThat(fields.kind(slot("tags"))).isEqualTo(FieldKind.ARRAY);
            assertThat(fields.kind(slot("user"))).isEqualTo(FieldKind.OBJECT);
            assertThat(fields.kind(slot("user.missing"))).isEqualTo(FieldKind.MISSING);
            assertThat(fields.kind(slot("coupon"))).isEqualTo(FieldKind.MISSING);
            assertThat(fields.kind(slot("big"))).isEqualTo(FieldKind.INTEGER_TOO_LARGE);
            assertThat(fields.text(slot("big"))).isEqualTo("18446744073709551615");
            assertThat(fields.wholeValue(0)).isEqualTo(List.of("a", "b"));
        }
        // Confluent's long form of the indexes: count 2, indexes 1 and 0 (zigzag: 4, 2, 0).
        EventDecoder confluentDecoder = new DecoderSpec.Protobuf(Framing.CONFLUENT, "shop.desc", spec.message())
                .create(SELECTION, SchemaRegistry.NONE);
        assertThat(confluentDecoder.decode(confluent(5, concat(new byte[] {4, 2, 0}, message)), fields)).isNull();
        assertThat(fields.text(slot("user.country"))).isEqualTo("DE");
    }

    @Test
    void protobufDefaultsAndPresenceAndBadMessages() {
        DecoderSpec.Protobuf spec = DecoderSpec.Protobuf.of(Framing.PLAIN, "shop.desc",
                BinaryRecords.shopDescriptorSet(), "shop.Order");
        EventDecoder decoder = spec.create(SELECTION, SchemaRegistry.NONE);
        EventFields fields = new EventFields(SELECTION);
        assertThat(decoder.decode(protobufOrder(0, 0, 0, null, null, 0, List.of(), Map.of(), "SAVE", 0), fields))
                .isNull();
        assertThat(fields.kind(slot("ts"))).isEqualTo(FieldKind.INTEGER);  // proto3 default
        assertThat(fields.longValue(slot("ts"))).isZero();
        assertThat(fields.text(slot("kind"))).isEqualTo("WEB");
        assertThat(fields.kind(slot("user"))).isEqualTo(FieldKind.MISSING);  // a message has presence
        assertThat(fields.kind(slot("user.id"))).isEqualTo(FieldKind.MISSING);
        assertThat(fields.text(slot("coupon"))).isEqualTo("SAVE");

        byte[] whole = protobufOrder(5, 1, 1, "u", "DE", 0, List.of(), Map.of(), null, 0);
        assertThat(decoder.decode(Arrays.copyOf(whole, whole.length - 1), fields))
                .startsWith("not valid Protobuf of message shop.Order: ");
        assertThatThrownBy(() -> DecoderSpec.Protobuf.of(Framing.PLAIN, "shop.desc",
                BinaryRecords.shopDescriptorSet(), "shop.Missing"))
                .hasMessage("the descriptor set has no message shop.Missing (it has shop.Order, shop.User)");
        assertThatThrownBy(() -> DecoderSpec.Protobuf.of(Framing.PLAIN, "shop.desc", new byte[] {1, 2, 3},
                "shop.Order")).hasMessageStartingWith("not a Protobuf descriptor set (");
    }

    @Test
    void anEngineCountsAvroRecordsByNestedFieldsAndFiltersOnThem() {
        CountingRegistry registry = new CountingRegistry();
        EngineConfig config = SpecLoader.standard().parse("m.yaml", """
                decoder: {type: avro, framing: glue}
                metrics:
                  - name: by_country
                    filter: "user.country != 'XX'"
                    group_by: [kind, user.country]
                    timestamp: ts
                    window: {type: tumbling, size: 1m}
                    aggregates:
                      - {name: n, fn: count}
                      - {name: total, fn: sum, field: amount}
                """).withSchemaRegistry(registry);
        ShardEngine engine = new ShardEngine(config, "s", ShardProgress.initial());
        List<byte[]> records = List.of(
                glue(VERSION, false, order("DE")), glue(VERSION, true, order("DE")), glue(VERSION, false, order("FR")),
                glue(VERSION, false, order("XX")),                      // filtered out
                glue(UUID.randomUUID(), false, order("DE")),            // unknown schema: dead letter
                new byte[] {3, 0, 1});                                  // corrupt header: dead letter
        long n = 1;
        for (byte[] data : records) {
            engine.process(new InputRecord(RecordPosition.of(Long.toString(n++)), "pk", 1_700_000_000_000L, data));
        }
        engine.endOfInput();
        List<String> results = engine.takeFiredResults().stream()
                .map((WindowResult r) -> r.key().values() + "=" + r.values().get("n") + "/" + r.values().get("total"))
                .sorted().toList();
        assertThat(results).containsExactly("[APP, DE]=2/5.0", "[APP, FR]=1/2.5");
        List<String> dead = engine.planCheckpoint().orElseThrow().deadLetters().stream().map(DeadLetter::reason)
                .toList();
        assertThat(dead).hasSize(2);
        assertThat(dead.get(0)).startsWith("the record's writer schema cannot be had: Glue schema version ")
                .endsWith(" is not in the registry (the registry answered 404)");
        assertThat(dead.get(1)).startsWith("not Glue Schema Registry-framed: ");
    }
}
