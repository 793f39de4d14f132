package io.rtpipe.core.filter;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DuplicateFilterTest {

    @Test
    void dropsRepeatsWithinTheHorizonAndForgetsAfterIt() {
        DuplicateFilter filter = new DuplicateFilter(1_000);

        assertThat(filter.firstSeen("a", 10_000)).isTrue();
        assertThat(filter.firstSeen("a", 10_000)).isFalse();
        assertThat(filter.firstSeen("b", 10_500)).isTrue();
        assertThat(filter.firstSeen("a", 10_900)).isFalse();
        // The highest time moves past 10_000 + horizon: "a" is forgotten, "b" (10_500) is still remembered.
        assertThat(filter.firstSeen("c", 11_001)).isTrue();
        assertThat(filter.size()).isEqualTo(2);
        assertThat(filter.firstSeen("a", 11_001)).isTrue();
        assertThat(filter.firstSeen("b", 11_001)).isFalse();
    }

    @Test
    void retriesWithinTheHorizonAreDroppedExactlyOnceAndReplaysAnswerTheSame() {
        Random random = new Random(7);
        List<String> ids = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        long time = 0;
        int originals = 0;
        for (int i = 0; i < 5_000; i++) {
            time += random.nextInt(20);
            if (i > 0 && random.nextInt(4) == 0) {
                int back = 1 + random.nextInt(Math.min(i, 30)); // a retry shortly after the original
                ids.add(ids.get(i - back));
                times.add(times.get(i - back));
            } else {
                ids.add("e" + i);
                times.add(time);
                originals++;
            }
        }
        List<Boolean> first = run(ids, times);
        assertThat(first.stream().filter(b -> b).count()).isEqualTo(originals);
        assertThat(run(ids, times)).isEqualTo(first);
    }

    private static List<Boolean> run(List<String> ids, List<Long> times) {
        DuplicateFilter filter = new DuplicateFilter(10_000);
        List<Boolean> answers = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            answers.add(filter.firstSeen(ids.get(i), times.get(i)));
        }
        return answers;
    }

    @Test
    void rejectsANonPositiveHorizon() {
        assertThatThrownBy(() -> new DuplicateFilter(0)).hasMessage("dedup horizon must be at least 1 ms, got 0");
    }
}
