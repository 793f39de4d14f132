package io.rtpipe.core.spec;

import io.rtpipe.core.record.RecordPosition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CustomAggregatorTest {
    private static final String SPEC = """
            metrics:
              - name: big_orders
                aggregates:
                  - {name: big, fn: count_above, field: amount, threshold: %s}
            """;

    @Test
    void serviceLoaderFactoryIsUsableFromASpec() {
        var aggregate = SpecLoader.standard().parse("m.yaml", SPEC.formatted("100")).metrics().get(0).aggregates()
                .get(0);
        var state = aggregate.aggregator().newState();
        for (long amount : new long[] {50, 100, 150, 99}) {
            state.addLong(amount, 0, RecordPosition.of("1"));
        }
        assertThat(aggregate.fn()).isEqualTo("count_above");
        assertThat(state.result()).isEqualTo(2L);
    }

    @Test
    void customParameterMistakesAreLocatedToo() {
        assertThatThrownBy(() -> SpecLoader.standard().parse("m.yaml", SPEC.formatted("lots")))
                .isInstanceOf(SpecException.class)
                .hasMessage("m.yaml:4: metrics[0].aggregates[0].threshold: found \"lots\", expected a number");
    }

    @Test
    void builtinsOnlyLoaderDoesNotKnowIt() {
        assertThatThrownBy(() -> new SpecLoader(io.rtpipe.core.aggregate.AggregatorRegistry.builtins())
                .parse("m.yaml", SPEC.formatted("1")))
                .hasMessageStartingWith("m.yaml:4: metrics[0].aggregates[0].fn: found \"count_above\", expected one of avg,");
    }
}
