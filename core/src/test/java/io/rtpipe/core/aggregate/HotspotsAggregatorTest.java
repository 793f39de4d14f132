package io.rtpipe.core.aggregate;

import io.rtpipe.core.record.RecordPosition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * hotspots on its own: the dense regions of a hand-made set of points (expected boxes and counts worked out by hand),
 * partials that merge in any order to the result of one state fed everything, the cap keeping the earliest points,
 * and its parameters' refusals.
 */
class HotspotsAggregatorTest {
    private static final AggregatorRegistry REGISTRY = AggregatorRegistry.builtins();
    private static final long T0 = 1_764_000_000_000L;

    private static Aggregator hotspots(Map<String, ?> params) {
        return REGISTRY.factory("hotspots").orElseThrow().create(AggregatorParams.of(true, List.of("x", "y"), params));
    }

    /** A square of 4 points 0.1 apart at the origin, a triangle of 3 at (5, 5), and two lone points. */
    private static final double[][] POINTS = {
            {10, 0}, {0, 0}, {5, 5}, {0.1, 0}, {0, 10}, {5.1, 5}, {0, 0.1}, {5, 5.1}, {0.1, 0.1}};

    private static AggregateState fed(Aggregator aggregator, List<Integer> indexes) {
        AggregateState state = aggregator.newState();
        for (int i : indexes) {
            state.addVector(POINTS[i], T0 + i, RecordPosition.of(Integer.toString(i)));
        }
        return state;
    }

    private static List<Integer> all() {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < POINTS.length; i++) {
            all.add(i);
        }
        return all;
    }

    @Test
    void denseRegionsAreTheHotspotsLargestFirst() {
        Aggregator aggregator = hotspots(Map.of("scan_radius", 0.2, "min_points", 3));
        Object result = fed(aggregator, all()).result();
        // By hand: within 0.2 every point of the square sees all 4 (the diagonal is 0.141), every point of the
        // triangle all 3; the lone points see only themselves.
        assertThat(result).isEqualTo(Map.of("fields", List.of("x", "y"), "points", 9L, "clustered", 9L,
                "hotspots", List.of(
                        Map.of("min", List.of(0.0, 0.0), "max", List.of(0.1, 0.1), "count", 4L, "density", 4 / 9.0),
                        Map.of("min", List.of(5.0, 5.0), "max", List.of(5.1, 5.1), "count", 3L,
                                "density", 3 / 9.0))));
        // With 4 needed, the triangle is no hotspot; with a radius of 0.05 nothing is.
        assertThat(((Map<?, ?>) hotspots(Map.of("scan_radius", 0.2, "min_points", 4)).result(
                fed(hotspots(Map.of("scan_radius", 0.2, "min_points", 4)), all()).partial())).get("hotspots"))
                .asList().hasSize(1);
        assertThat(((Map<?, ?>) fed(hotspots(Map.of("scan_radius", 0.05, "min_points", 2)), all()).result())
                .get("hotspots")).asList().isEmpty();
    }

    @Test
    void partialsMergeInAnyOrderToTheResultOfAllPoints() {
        Aggregator aggregator = hotspots(Map.of("scan_radius", 0.2, "min_points", 3, "max_points", 7));
        Object expected = fed(aggregator, all()).result();
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            List<Integer> order = all();
            Collections.shuffle(order, random);
            int a = random.nextInt(order.size());
            int b = a + random.nextInt(order.size() - a + 1);
            List<Object> partials = new ArrayList<>(List.of(fed(aggregator, order.subList(0, a)).partial(),
                    fed(aggregator, order.subList(a, b)).partial(), fed(aggregator, order.subList(b, order.size()))
                            .partial()));
            Collections.shuffle(partials, random);
            Object merged = aggregator.mergePartials(aggregator.mergePartials(partials.get(0), partials.get(1)),
                    partials.get(2));
            assertThat(aggregator.result(merged)).as("round %d", round).isEqualTo(expected);
            assertThat(aggregator.fromPartial(merged).partial()).isEqualTo(merged);
        }
    }

    @Test
    void theCapKeepsTheEarliestPointsAndCountsEveryOne() {
        Map<?, ?> result = (Map<?, ?>) fed(hotspots(Map.of("scan_radius", 0.2, "min_points", 3, "max_points", 5)),
                all()).result();
        // The earliest 5 (indexes 0-4): (10,0), (0,0), (5,5), (0.1,0), (0,10): no 3 of them within 0.2.
        assertThat(result.get("points")).isEqualTo(9L);
        assertThat(result.get("clustered")).isEqualTo(5L);
        assertThat(result.get("hotspots")).asList().isEmpty();
    }

    @Test
    void parametersAreChecked() {
        assertThatThrownBy(() -> hotspots(Map.of())).hasMessageContaining("scan_radius: found null, expected a "
                + "number above 0");
        assertThatThrownBy(() -> hotspots(Map.of("scan_radius", 1.0, "min_points", 1)))
                .hasMessageContaining("min_points: found 1, expected a whole number from 2 to 10000");
        assertThatThrownBy(() -> hotspots(Map.of("scan_radius", 1.0, "min_points", 5, "max_points", 4)))
                .hasMessageContaining("max_points: found 4, expected a whole number from min_points (5) to 10000");
        assertThatThrownBy(() -> REGISTRY.factory("hotspots").orElseThrow()
                .create(AggregatorParams.of(true, List.of(), Map.of("scan_radius", 1.0))))
                .hasMessageContaining("fields");
    }
}
