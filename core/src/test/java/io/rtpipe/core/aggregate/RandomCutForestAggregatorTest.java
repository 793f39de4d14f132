package io.rtpipe.core.aggregate;

import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.spec.SpecException;
import io.rtpipe.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * random_cut_forest on its own: seeded scores are reproducible, injected outliers score highest, partials merge in
 * any order to the top rows of the union, and the partial stays small.
 */
class RandomCutForestAggregatorTest {
    private static final AggregatorRegistry REGISTRY = AggregatorRegistry.builtins();
    private static final int[] OUTLIERS = {310, 470, 655, 820, 905};

    private static Aggregator aggregator(String fn, List<String> fields, Map<String, ?> params) {
        return REGISTRY.factory(fn).orElseThrow().create(AggregatorParams.of(true, fields, params));
    }

    /** Points near (10, 100) with noise; at the OUTLIERS indices, points far from every other one. */
    private static List<double[]> points(long seed, int n) {
        Random random = new Random(seed);
        Set<Integer> outliers = IntStream.of(OUTLIERS).boxed().collect(Collectors.toSet());
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double x = 10 + random.nextGaussian();
            double y = 100 + 5 * random.nextGaussian();
            points.add(outliers.contains(i) ? new double[] {x, y + 80} : new double[] {x, y});
        }
        return points;
    }

    private static AggregateState fed(Aggregator aggregator, long seed, List<double[]> points, int firstIndex) {
        AggregateState state = aggregator.newState(seed);
        for (int i = 0; i < points.size(); i++) {
            int index = firstIndex + i;
            state.addVector(points.get(i), 1_764_000_000_000L + index, RecordPosition.of(Integer.toString(index)));
        }
        return state;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> top(Object result) {
        return (List<Map<String, Object>>) ((Map<String, Object>) result).get("top");
    }

    @Test
    void theSameSeedAndPointsGiveTheSameScoresAndAnotherSeedOthers() {
        Aggregator rcf = aggregator("random_cut_forest", List.of("x", "y"), Map.of("top", 50));
        List<double[]> points = points(1, 600);
        byte[] first = (byte[]) fed(rcf, 42, points, 0).partial();
        byte[] again = (byte[]) fed(rcf, 42, points, 0).partial();
        byte[] otherSeed = (byte[]) fed(rcf, 43, points, 0).partial();
        assertThat(again).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @Test
    void injectedOutliersGetTheTopScores() {
        Aggregator rcf = aggregator("random_cut_forest", List.of("x", "y"), Map.of("top", OUTLIERS.length));
        Object result = fed(rcf, 7, points(2, 1000), 0).result();
        Set<String> topPositions = top(result).stream().map(row -> (String) row.get("position"))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> injected = IntStream.of(OUTLIERS).mapToObj(Integer::toString)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(topPositions).isEqualTo(injected);
        Map<?, ?> summary = (Map<?, ?>) result;
        assertThat(summary.get("scored")).isEqualTo(1000L);
        assertThat((Long) summary.get("above_threshold")).isGreaterThanOrEqualTo(OUTLIERS.length);
        assertThat((Double) summary.get("max_score")).isEqualTo(top(result).get(0).get("score"));
    }

    @Test
    void theExplanationBlamesTheFieldThatIsOffAndSaysWhichWay() {
        Aggregator rcf = aggregator("random_cut_forest_with_explanation", List.of("x", "y"), Map.of("top", 1));
        Map<String, Object> row = top(fed(rcf, 7, points(3, 1000), 0).result()).get(0);
        assertThat(row.get("position")).isIn(IntStream.of(OUTLIERS).mapToObj(Integer::toString).toList());
        Map<?, ?> attribution = (Map<?, ?>) row.get("attribution");
        Map<?, ?> x = (Map<?, ?>) attribution.get("x");
        Map<?, ?> y = (Map<?, ?>) attribution.get("y");
        assertThat((Double) y.get("strength")).isGreaterThan((Double) x.get("strength"));
        assertThat(y.get("direction")).isEqualTo("HIGH");
    }

    @Test
    void partialsMergeInAnyOrderToTheTopRowsOfTheirUnion() {
        Aggregator rcf = aggregator("random_cut_forest", List.of("x", "y"), Map.of("top", 4, "threshold", 1.5));
        List<Object> partials = List.of(fed(rcf, 1, points(4, 700), 0).partial(),
                fed(rcf, 2, points(5, 950), 10_000).partial(), fed(rcf, 3, points(6, 400), 20_000).partial());
        Object abc = rcf.mergePartials(rcf.mergePartials(partials.get(0), partials.get(1)), partials.get(2));
        Object bca = rcf.mergePartials(partials.get(1), rcf.mergePartials(partials.get(2), partials.get(0)));
        Object cab = rcf.mergePartials(rcf.mergePartials(partials.get(2), partials.get(0)), partials.get(1));
        assertThat(bca).isEqualTo(abc);
        assertThat(cab).isEqualTo(abc);

        // Ground truth from each shard's own result: counts add up, the top rows are the union's highest.
        List<Map<String, Object>> union = new ArrayList<>();
        long scored = 0;
        long above = 0;
        for (Object partial : partials) {
            Map<?, ?> one = (Map<?, ?>) rcf.result(partial);
            scored += (Long) one.get("scored");
            above += (Long) one.get("above_threshold");
            union.addAll(top(one));
        }
        union.sort(Comparator.comparing((Map<String, Object> row) -> (Double) row.get("score")).reversed());
        Map<?, ?> merged = (Map<?, ?>) rcf.result(abc);
        assertThat(merged.get("scored")).isEqualTo(scored).isEqualTo(2050L);
        assertThat(merged.get("above_threshold")).isEqualTo(above);
        assertThat(top(merged)).isEqualTo(union.subList(0, 4));
    }

    @Test
    void aPartialAtTheCapsStaysFarBelowAResultsItem() {
        List<String> fields = IntStream.range(0, 16).mapToObj(i -> "f" + i).toList();
        Aggregator rcf = aggregator("random_cut_forest_with_explanation", fields,
                Map.of("top", RandomCutForestAggregator.MAX_TOP, "number_of_trees", 10));
        AggregateState state = rcf.newState(5);
        Random random = new Random(9);
        double[] point = new double[16];
        for (int i = 0; i < 300; i++) {
            for (int d = 0; d < point.length; d++) {
                point[d] = random.nextDouble();
            }
            // Kinesis sequence numbers are up to 56 digits.
            state.addVector(point, i, new RecordPosition("4959" + "0".repeat(48) + String.format("%04d", i), 7));
        }
        byte[] partial = (byte[]) state.partial();
        assertThat(partial.length).isLessThan(60_000);
        assertThat(rcf.fromPartial(partial).partial()).isEqualTo(partial);
    }

    @Test
    void theFieldsArePartOfTheMetricsDefinition() {
        String yaml = """
                metrics:
                  - name: anomalies
                    max_keys_per_window: 100
                    aggregates:
                      - {name: anomaly, fn: random_cut_forest, fields: [%s]}
                """;
        var xy = SpecLoader.standard().parse("m.yaml", yaml.formatted("x, y")).metrics().get(0);
        var yx = SpecLoader.standard().parse("m.yaml", yaml.formatted("y, x")).metrics().get(0);
        assertThat(xy.definition().get("aggregates")).isEqualTo("[anomaly=random_cut_forest(x,y){}]");
        assertThat(yx.fingerprint()).isNotEqualTo(xy.fingerprint());
    }

    @Test
    void theSpecLoaderRefusesATopAboveTheCapAndNamesIt() {
        String yaml = """
                metrics:
                  - name: anomalies
                    aggregates:
                      - {name: anomaly, fn: random_cut_forest, fields: [x, y], top: 101}
                """;
        assertThatThrownBy(() -> SpecLoader.standard().parse("m.yaml", yaml))
                .isInstanceOf(SpecException.class)
                .hasMessage("m.yaml:4: metrics[0].aggregates[0].top: found 101, expected a whole number from 0 to "
                        + "100 (the partial of a window and key must fit a 400 KB results item)");
    }
}
