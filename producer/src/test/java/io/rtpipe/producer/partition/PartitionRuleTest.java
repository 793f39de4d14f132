package io.rtpipe.producer.partition;

import io.rtpipe.core.metric.MetricSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionRuleTest {

    private static final byte[] EVENT = "{\"id\":\"i-1\",\"event_id\":\"e-1\",\"meta\":{\"id\":\"m\"},\"user\":\"u\"}"
            .getBytes(StandardCharsets.UTF_8);

    private static MetricSpec dedupOn(String field) {
        return MetricSpec.builder("m_" + field.replace(".", "_")).dedup(field).build();
    }

    @Test
    void withoutASpecOrAFlagRecordsAreKeyedByEventId() {
        assertThat(PartitionRule.selector(null, false, List.of()).partitionKey(EVENT)).isEqualTo("e-1");
        assertThat(PartitionRule.selector(null, false, List.of(MetricSpec.builder("no_dedup").build()))
                .partitionKey(EVENT)).isEqualTo("e-1");
    }

    @Test
    void theFirstTopLevelDedupFieldOfTheSpecWins() {
        assertThat(PartitionRule.defaultField(List.of(MetricSpec.builder("plain").build(), dedupOn("id"),
                dedupOn("user")))).isEqualTo("id");
        assertThat(PartitionRule.selector(null, false, List.of(dedupOn("id"))).partitionKey(EVENT)).isEqualTo("i-1");
    }

    @Test
    void aNestedDedupFieldFallsThroughToEventId() {
        assertThat(PartitionRule.defaultField(List.of(dedupOn("meta.id")))).isEqualTo(MetricSpec.DEFAULT_DEDUP_FIELD);
    }

    @Test
    void theUsersFieldOrRandomKeysOverrideTheSpec() {
        assertThat(PartitionRule.selector("user", false, List.of(dedupOn("id"))).partitionKey(EVENT)).isEqualTo("u");
        PartitionKeySelector random = PartitionRule.selector(null, true, List.of(dedupOn("id")));
        assertThat(random.partitionKey(EVENT)).isNotEqualTo(random.partitionKey(EVENT));
        assertThatThrownBy(() -> PartitionRule.selector("user", true, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
