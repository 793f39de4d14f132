package io.rtpipe.core.publish;

import io.rtpipe.core.aggregate.TopKRow;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.result.MergedResult;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResultColumnsTest {

    @Test
    void eachAggregateHasTheTypeOfItsValues() {
        MetricSpec metric = MetricSpec.builder("orders").groupBy("user.Region")
                .aggregates(AggregateSpec.count(), AggregateSpec.of("revenue", "sum", "amount", Map.of()),
                        AggregateSpec.of("users", "distinct", "user.id", Map.of()),
                        AggregateSpec.of("p50", "quantile", "amount", Map.of("q", 0.5)),
                        AggregateSpec.of("latest", "last", "amount", Map.of()),
                        AggregateSpec.of("top", "topk", "item", Map.of("k", 3)))
                .build();

        assertThat(ResultColumns.of(metric)).extracting(c -> c.name() + ":" + c.kind().glueType()).containsExactly(
                "window_start:timestamp", "window_end:timestamp", "user_region:string", "count:bigint",
                "revenue:double", "users:bigint", "p50:double", "latest:string", "top:string");

        Instant start = Instant.parse("2026-11-26T09:10:00Z");
        Map<String, Object> values = new HashMap<>(Map.of("count", 3L, "revenue", 12L, "users", 2L,
                "latest", 2.5, "top", List.of(new TopKRow("a", 2))));
        values.put("p50", null);
        MergedResult row = new MergedResult("orders", start, start.plusSeconds(60), Map.of("user.Region", "eu"),
                values);
        assertThat(ResultColumns.of(metric).stream().map(c -> ResultColumns.cell(row, c)).toList()).containsExactly(
                start.toEpochMilli(), start.toEpochMilli() + 60_000, "eu", 3L, 12.0, 2L, null, "2.5",
                "[{\"value\":\"a\",\"count\":2}]");
    }

    @Test
    void twoNamesBecomingOneColumnIsOneSentence() {
        MetricSpec metric = MetricSpec.builder("orders").groupBy("user.id")
                .aggregates(AggregateSpec.of("user_id", "distinct", "user.id", Map.of())).build();

        assertThatThrownBy(() -> ResultColumns.of(metric)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metric orders: group-by field 'user.id' and aggregate 'user_id' both become result "
                        + "column 'user_id'; rename one");
    }
}
