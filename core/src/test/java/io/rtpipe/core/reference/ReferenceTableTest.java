package io.rtpipe.core.reference;

import io.rtpipe.core.metric.FieldPath;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading a table's rows: typed cells, keys, and the sentences a table that cannot be used is refused with. */
class ReferenceTableTest {
    private static final ReferenceSpec CSV = spec(ReferenceSpec.Format.CSV);
    private static final ReferenceSpec JSONL = spec(ReferenceSpec.Format.JSON_LINES);

    private static ReferenceSpec spec(ReferenceSpec.Format format) {
        return new ReferenceSpec("products", new ReferenceSpec.S3Object("b", "p"), format, "id",
                FieldPath.parse("product"), Duration.ofMinutes(5));
    }

    private static ReferenceTable parse(ReferenceSpec spec, String text) {
        return ReferenceTable.parse(spec, "v1", text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void csvCellsAreTypedAsCsvEventsAndKeepTheirText() {
        ReferenceTable table = parse(CSV, "id,price,name,promo\r\np1,007,\"Tea, green\",true\n2,1.5,,false\n\n");
        assertThat(table.rows()).containsOnlyKeys("p1", "2");
        assertThat(table.row("p1").values()).containsEntry("price", "007").containsEntry("name", "Tea, green")
                .containsEntry("promo", true);
        assertThat(table.row("2").values()).containsEntry("price", 1.5).doesNotContainKey("name");
        assertThat(table.row("2").texts()).containsEntry("price", "1.5");
    }

    @Test
    void jsonLinesKeepJsonTypesAndIntegerKeysMatchByTheirText() {
        ReferenceTable table = parse(JSONL, "{\"id\": 12, \"price\": 3, \"tags\": [\"x\"]}\n{\"id\": \"a\"}\n");
        assertThat(table.row("12").values()).containsEntry("price", 3L).containsEntry("tags", List.of("x"));
        assertThat(table.row("a").values()).containsOnlyKeys("id");
    }

    @Test
    void aTableThatCannotBeUsedIsRefusedWithOneSentence() {
        assertThatThrownBy(() -> parse(CSV, "id,price\np1,1\np1,2\n")).isInstanceOf(ReferenceException.class)
                .hasMessage("reference products (s3://b/p): line 3 repeats the key \"p1\" of line 2");
        assertThatThrownBy(() -> parse(CSV, "sku,price\np1,1\n")).hasMessage(
                "reference products (s3://b/p): the header has no key column id (it has sku, price)");
        assertThatThrownBy(() -> parse(CSV, "id,unit price\n")).hasMessage("reference products (s3://b/p): line 1 "
                + "must be a header of distinct column names without dots, quotes or spaces, found \"id,unit price\"");
        assertThatThrownBy(() -> parse(CSV, "id,price\np1\n")).hasMessage(
                "reference products (s3://b/p): line 2 is not valid CSV: expected 2 values, found 1");
        assertThatThrownBy(() -> parse(JSONL, "{\"id\": 1.5}\n")).hasMessage(
                "reference products (s3://b/p): line 1 has no key id (a string or integer)");
        assertThatThrownBy(() -> parse(JSONL, "{\"id\": 1}\n{\"id\"\n")).hasMessageStartingWith(
                "reference products (s3://b/p): line 2 is not valid JSON");
    }

    @Test
    void rowsAndBytesAreBounded() {
        StringBuilder rows = new StringBuilder("id\n");
        for (int i = 0; i <= ReferenceSpec.MAX_ROWS; i++) {
            rows.append(i).append('\n');
        }
        assertThatThrownBy(() -> parse(CSV, rows.toString())).hasMessage(
                "reference products (s3://b/p): has more than the 100000 rows a reference table may have");
        assertThatThrownBy(() -> ReferenceTable.parse(CSV, "v", new byte[(int) ReferenceSpec.MAX_BYTES + 1]))
                .hasMessage("reference products (s3://b/p): holds 67108865 bytes, more than the 67108864 (64 MiB) "
                        + "a reference table may have");
    }

    @Test
    void itemsAreVersionedByTheirContentWhateverTheirOrder() {
        ReferenceSpec dynamo = new ReferenceSpec("users", new ReferenceSpec.DynamoDbTable("t"), null, "id",
                FieldPath.parse("user"), Duration.ofMinutes(5));
        List<Map<String, Object>> items = new ArrayList<>(List.of(Map.of("id", "a", "n", 1L), Map.of("id", "b")));
        String version = ReferenceTable.ofItems(dynamo, items).version();
        assertThat(ReferenceTable.ofItems(dynamo, List.of(items.get(1), items.get(0))).version()).isEqualTo(version);
        items.set(0, Map.of("id", "a", "n", 2L));
        assertThat(ReferenceTable.ofItems(dynamo, items).version()).isNotEqualTo(version).matches("sha256:[0-9a-f]{16}");
    }
}
