package io.rtpipe.core.engine;

import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.reference.ReferenceTable;
import io.rtpipe.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Events joined with a reference table: filter, group-by and aggregates on its columns, and rows not found. */
class ReferenceJoinTest {
    private final Records records = new Records();

    private static final String SPEC = """
            references:
              - {name: products, file: products.csv, format: csv, key: product_id, on: product}
            metrics:
              - name: revenue
                filter: "products.price > 5"
                group_by: [products.category]
                window: {type: tumbling, size: 1m}
                aggregates: [{name: total, fn: sum, field: products.price}, {name: n, fn: count}]
              - name: events
                filter: "products.category in ['a', 'b']"
                window: {type: tumbling, size: 1m}
                aggregates: [{name: n, fn: count}, {name: priced, fn: count, field: products.price}]
            """;

    private static ShardEngine engine(EngineConfig config, ReferenceTable table) {
        return new ShardEngine(config, "s", ShardProgress.initial(), false, null, (name, version) -> table);
    }

    @Test
    void filtersGroupsAndAggregatesJoinedColumnsAsTheTableHasThem() {
        EngineConfig config = SpecLoader.standard().parse("spec.yaml", SPEC);
        // Ground truth: the products as the test writes them, independent of the table's parsing.
        Random random = new Random(7);
        String[] categories = {"a", "b", "c"};
        Map<String, String> category = new TreeMap<>();
        Map<String, Double> price = new TreeMap<>();
        StringBuilder csv = new StringBuilder("product_id,category,price\n");
        for (int p = 0; p < 10; p++) {
            category.put("p" + p, categories[p % 3]);
            price.put("p" + p, (double) random.nextInt(20) / 2);
            csv.append("p").append(p).append(',').append(categories[p % 3]).append(',')
                    .append(price.get("p" + p)).append('\n');
        }
        ReferenceTable table = ReferenceTable.parse(config.references().get(0), "v1",
                csv.toString().getBytes(StandardCharsets.UTF_8));
        ShardEngine engine = engine(config, table);

        Map<String, Double> totals = new TreeMap<>();
        Map<String, Long> counts = new TreeMap<>();
        long events = 0;
        List<Integer> products = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            products.add(random.nextInt(12)); // p10 and p11 are in no row
        }
        for (int i = 0; i < products.size(); i++) {
            String product = "p" + products.get(i);
            engine.process(records.raw("{\"ts\":" + (i * 100) + ",\"product\":\"" + product + "\"}"));
            if (price.containsKey(product) && price.get(product) > 5) {
                totals.merge(category.get(product), price.get(product), Double::sum);
                counts.merge(category.get(product), 1L, Long::sum);
            }
            // CEL: a row not found is a variable the event lacks, an error, so not true.
            if (category.containsKey(product) && !category.get(product).equals("c")) {
                events++;
            }
        }
        engine.endOfInput();
        Map<String, String> revenue = new TreeMap<>();
        Map<String, Object> all = new TreeMap<>();
        for (WindowResult result : engine.takeFiredResults()) {
            if (result.metric().equals("revenue")) {
                revenue.put(result.key().get("products.category"), result.values().toString());
            } else {
                all.putAll(result.values());
            }
        }
        assertThat(revenue.keySet()).isEqualTo(totals.keySet());
        revenue.forEach((c, values) -> assertThat(values).contains("total=" + totals.get(c), "n=" + counts.get(c)));
        assertThat(all).containsEntry("n", events).containsEntry("priced", events);
        // Rows not found leave the columns missing: the filter is not true, and nothing is dead-lettered.
        assertThat(engine.stats().deadLettered()).isZero();
    }

    @Test
    void anIntegerEventFieldMatchesAKeyByItsDecimalTextAndAMissingRowIsAMissingGroupField() {
        EngineConfig config = SpecLoader.standard().parse("spec.yaml", """
                references:
                  - {name: users, file: users.jsonl, format: jsonl, key: id, on: user.id}
                metrics:
                  - name: by_country
                    group_by: [users.country]
                    aggregates: [{name: n, fn: count}]
                """);
        ReferenceTable table = ReferenceTable.parse(config.references().get(0), "v1", """
                {"id": 7, "country": "NL"}
                {"id": "8", "country": "DE"}
                """.getBytes(StandardCharsets.UTF_8));
        ShardEngine engine = engine(config, table);
        engine.process(records.raw("{\"ts\":1,\"user\":{\"id\":7}}"));
        engine.process(records.raw("{\"ts\":2,\"user\":{\"id\":8}}"));
        engine.process(records.raw("{\"ts\":3,\"user\":{\"id\":\"7\"}}"));
        engine.process(records.raw("{\"ts\":4,\"user\":{\"id\":9}}"));
        engine.endOfInput();
        assertThat(engine.takeFiredResults()).extracting(r -> r.key() + "=" + r.values())
                .containsExactly("{users.country=NL}={n=2}", "{users.country=DE}={n=1}");
        assertThat(engine.stats().deadLettered()).isEqualTo(1);
    }
}
