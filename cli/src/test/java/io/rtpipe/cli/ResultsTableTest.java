package io.rtpipe.cli;

import io.rtpipe.core.aggregate.TopKRow;
import io.rtpipe.core.result.MergedResult;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ResultsTableTest {

    private static MergedResult result(String page, long orders, double revenue, List<TopKRow> top) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("orders", orders);
        values.put("revenue", revenue);
        values.put("top_users", top);
        return new MergedResult("revenue_by_page", Instant.parse("2026-11-26T08:00:00Z"),
                Instant.parse("2026-11-26T08:01:00Z"), Map.of("page", page), values);
    }

    @Test
    void columnsAlignNumbersKeepTheirDigitsAndTopKReadsAsAList() {
        StringWriter text = new StringWriter();
        ResultsTable.print(new PrintWriter(text, true), "revenue_by_page", List.of(
                result("/checkout", 1_234_567, 12_345_678.25, List.of(new TopKRow("u6", 2), new TopKRow("u9", 1))),
                result("/a", 7, 1.0e-5, List.of())));
        String nl = System.lineSeparator();
        assertThat(text.toString()).isEqualTo(String.join(nl,
                "revenue_by_page: 2 window result(s), merged over shards",
                "  window start          window end            page          orders        revenue  top_users",
                "  2026-11-26T08:00:00Z  2026-11-26T08:01:00Z  /checkout  1,234,567  12,345,678.25  u6 (2), u9 (1)",
                "  2026-11-26T08:00:00Z  2026-11-26T08:01:00Z  /a                 7        0.00001") + nl);
    }

    @Test
    void mapValuedAggregatesReadAsOneLineWithTheirRecordsTabledBelow() {
        Map<String, Object> slow = new LinkedHashMap<>();
        slow.put("score", 3.5);
        slow.put("event_time", "2026-11-26T08:00:10Z");
        slow.put("values", new LinkedHashMap<>(Map.of("latency_ms", 520.25)));
        Map<String, Object> big = new LinkedHashMap<>();
        big.put("score", 12.25);
        big.put("event_time", "2026-11-26T08:00:20.5Z");
        big.put("values", new LinkedHashMap<>(Map.of("latency_ms", 1300.0)));
        Map<String, Object> forest = new LinkedHashMap<>();
        forest.put("scored", 2_400L);
        forest.put("max_score", 12.25);
        forest.put("top", List.of(slow, big));
        Map<String, Object> hotspot = new LinkedHashMap<>();
        hotspot.put("min", List.of(1.5, 2.0));
        hotspot.put("max", List.of(1.75, 2.25));
        hotspot.put("count", 17L);
        Map<String, Object> hotspots = new LinkedHashMap<>();
        hotspots.put("fields", List.of("x", "y"));
        hotspots.put("points", 600L);
        hotspots.put("hotspots", List.of(hotspot));
        hotspots.put("none", List.of());
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("score", forest);
        values.put("dense", hotspots);
        StringWriter text = new StringWriter();
        ResultsTable.print(new PrintWriter(text, true), "anomalies", List.of(new MergedResult("anomalies",
                Instant.parse("2026-11-26T08:00:00Z"), Instant.parse("2026-11-26T08:01:00Z"), Map.of("host", "web-1"),
                values)));
        String nl = System.lineSeparator();
        assertThat(text.toString()).isEqualTo(String.join(nl,
                "anomalies: 1 window result(s), merged over shards",
                "  window start          window end            host   score" + " ".repeat(47) + "dense",
                "  2026-11-26T08:00:00Z  2026-11-26T08:01:00Z  web-1  scored 2,400, max_score 12.25, top: 2 row(s) "
                        + "below  fields [x, y], points 600, hotspots: 1 row(s) below, none: 0 row(s)",
                "  2026-11-26T08:00:00Z host=web-1 score.top:",
                "    score  event_time              values",
                "      3.5  2026-11-26T08:00:10Z    latency_ms 520.25",
                "    12.25  2026-11-26T08:00:20.5Z  latency_ms 1,300.0",
                "  2026-11-26T08:00:00Z host=web-1 dense.hotspots:",
                "    min         max           count",
                "    [1.5, 2.0]  [1.75, 2.25]     17") + nl);
    }
}
