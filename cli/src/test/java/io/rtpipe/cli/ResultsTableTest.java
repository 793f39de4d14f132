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
}
