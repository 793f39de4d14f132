package io.rtpipe.core.filter;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventFilterTest {

    private static Map<String, Object> event(Object... keyValues) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    @Test
    void topLevelFieldsAreVariablesAndIntegersCompareWithDecimals() {
        EventFilter filter = EventFilter.compile("type == 'purchase' && amount > 0");

        assertThat(filter.fields()).containsExactly("amount", "type");
        assertThat(filter.usesWholeEvent()).isFalse();
        assertThat(filter.matches(event("type", "purchase", "amount", 12.5))).isTrue();
        assertThat(filter.matches(event("type", "purchase", "amount", 3L))).isTrue();
        assertThat(filter.matches(event("type", "purchase", "amount", 0L))).isFalse();
        assertThat(filter.matches(event("type", "view", "amount", 3L))).isFalse();
    }

    @Test
    void nestedFieldsListsAndMacrosWork() {
        EventFilter filter = EventFilter.compile(
                "user.country in ['DE', 'FR'] && tags.exists(t, t.startsWith('promo'))");

        assertThat(filter.fields()).containsExactly("tags", "user");
        assertThat(filter.matches(event("user", Map.of("country", "DE"), "tags", List.of("x", "promo-1")))).isTrue();
        assertThat(filter.matches(event("user", Map.of("country", "US"), "tags", List.of("promo-1")))).isFalse();
    }

    @Test
    void wholeEventVariableAllowsPresenceTestsAndOddNames() {
        EventFilter filter = EventFilter.compile("has(event.coupon) && event['user-id'] != ''");

        assertThat(filter.usesWholeEvent()).isTrue();
        assertThat(filter.fields()).isEmpty();
        assertThat(filter.matches(event("coupon", "X", "user-id", "u1"))).isTrue();
        assertThat(filter.matches(event("user-id", "u1"))).isFalse();
    }

    @Test
    void missingFieldsAndRuntimeTypeErrorsMeanNoMatch() {
        assertThat(EventFilter.compile("amount > 0").matches(event("type", "x"))).isFalse();
        assertThat(EventFilter.compile("amount > 0").matches(event("amount", "lots"))).isFalse();
        assertThat(EventFilter.compile("!(amount > 0)").matches(event("type", "x"))).isFalse();
    }

    @Test
    void jsonNullComparesToNull() {
        EventFilter filter = EventFilter.compile("coupon == null");
        assertThat(filter.matches(event("coupon", EventFilter.JSON_NULL))).isTrue();
        assertThat(filter.matches(event("coupon", "X"))).isFalse();
    }

    @Test
    void compileErrorsAreOneLineWithTheColumn() {
        assertThatThrownBy(() -> EventFilter.compile("amount >")).isInstanceOf(FilterException.class)
                .hasMessageStartingWith("column 9: mismatched input '<EOF>'").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> EventFilter.compile("size(type, 2) > 1"))
                .hasMessageStartingWith("column 5: found no matching overload for 'size'");
        assertThatThrownBy(() -> EventFilter.compile("'a' + type"))
                .hasMessage("column 5: expected type 'bool' but found 'string'");
    }

    @Test
    void comprehensionsRunWithinCelsIterationBudget() {
        List<String> tags = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "tag-" + i).toList();
        EventFilter nested = EventFilter.compile("tags.exists(a, tags.exists(b, a + b == 'never'))");
        EventFilter single = EventFilter.compile("tags.exists(t, t == 'tag-999')");

        assertThat(nested.evaluate(event("tags", tags)::get, null)).isEqualTo(EventFilter.Outcome.OVER_BUDGET);
        assertThat(nested.matches(event("tags", tags))).isFalse();
        // 1,000 steps are within the budget; 10 x 10 nested are too
        assertThat(single.evaluate(event("tags", tags)::get, null)).isEqualTo(EventFilter.Outcome.MATCH);
        assertThat(nested.evaluate(event("tags", tags.subList(0, 10))::get, null))
                .isEqualTo(EventFilter.Outcome.NO_MATCH);
    }
}
