package io.rtpipe.core.engine;

import io.rtpipe.core.event.EventFields;
import io.rtpipe.core.event.FieldSelection;
import io.rtpipe.core.event.JsonEventDecoder;
import io.rtpipe.core.filter.EventFilter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java evaluation of simple filters must give CEL's answer: random events (missing fields, nulls, wrong types,
 * nested objects, numbers of both kinds) are decided by the engine's evaluator and by CEL on the whole event.
 */
class FilterEvaluatorTest {
    private static final List<String> FILTERS = List.of(
            "type == 'purchase' && amount > 10",
            "type != 'view' || amount <= 2.5",
            "!(type == 'view') && user.country == 'DE'",
            "amount >= 3 && amount < 7.5 || flag == true",
            "type in ['a', 'purchase'] && !(flag != false)",
            "10 < amount && user.tier == 2",
            "type < 'm' || amount == 4.0");
    private static final String[] VALUES = {"\"purchase\"", "\"view\"", "\"a\"", "\"DE\"", "1", "4", "12", "4.0",
            "2.5", "-3", "true", "false", "null", "{\"country\":\"DE\",\"tier\":2}", "[1]", "99999999999999999999"};

    @Test
    void javaEvaluationAgreesWithCelOnRandomEvents() {
        Random random = new Random(7);
        int javaDecided = 0;
        for (String source : FILTERS) {
            EventFilter filter = EventFilter.compile(source);
            assertThat(filter.simpleForm()).as(source).isPresent();
            FieldSelection.Builder selected = new FieldSelection.Builder();
            FilterEvaluator.select(filter, selected, false);
            FieldSelection selection = selected.build();
            assertThat(selection.wholeValues()).as("a simple filter needs no materialized values").isEmpty();
            FilterEvaluator evaluator = new FilterEvaluator(filter, selection, null);
            JsonEventDecoder decoder = new JsonEventDecoder(selection);
            EventFields fields = new EventFields(selection);
            FieldSelection whole = new FieldSelection.Builder().wholeEvent().build();
            JsonEventDecoder wholeDecoder = new JsonEventDecoder(whole);
            EventFields wholeFields = new EventFields(whole);
            for (int i = 0; i < 3_000; i++) {
                StringBuilder json = new StringBuilder("{");
                for (String field : new String[]{"type", "amount", "flag", "user"}) {
                    if (random.nextInt(5) > 0) {
                        json.append(json.length() > 1 ? "," : "").append('"').append(field).append("\":")
                                .append(field.equals("user") && random.nextBoolean()
                                        ? "{\"country\":" + VALUES[random.nextInt(VALUES.length)] + ",\"tier\":"
                                        + VALUES[random.nextInt(VALUES.length)] + "}"
                                        : VALUES[random.nextInt(VALUES.length)]);
                    }
                }
                byte[] event = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
                assertThat(decoder.decode(event, fields)).isNull();
                assertThat(wholeDecoder.decode(event, wholeFields)).isNull();
                boolean cel = filter.matches(wholeFields.wholeEvent());
                assertThat((evaluator.evaluate(fields) == EventFilter.Outcome.MATCH)).as("%s on %s", source, json).isEqualTo(cel);
                javaDecided += cel ? 1 : 0;
            }
        }
        assertThat(javaDecided).as("events that matched").isGreaterThan(2_000);
    }

    @Test
    void otherFiltersRunCelOnMaterializedValues() {
        EventFilter filter = EventFilter.compile("page.startsWith('p') && has(event.user)");
        assertThat(filter.simpleForm()).isEmpty();
        FieldSelection.Builder selected = new FieldSelection.Builder();
        FilterEvaluator.select(filter, selected, false);
        FieldSelection selection = selected.build();
        FilterEvaluator evaluator = new FilterEvaluator(filter, selection, null);
        JsonEventDecoder decoder = new JsonEventDecoder(selection);
        EventFields fields = new EventFields(selection);
        decoder.decode("{\"page\":\"p1\",\"user\":{}}".getBytes(StandardCharsets.UTF_8), fields);
        assertThat(evaluator.evaluate(fields)).isEqualTo(EventFilter.Outcome.MATCH);
        decoder.decode("{\"page\":\"p1\"}".getBytes(StandardCharsets.UTF_8), fields);
        assertThat(evaluator.evaluate(fields)).isEqualTo(EventFilter.Outcome.NO_MATCH);
        decoder.decode("{\"page\":\"x\",\"user\":1}".getBytes(StandardCharsets.UTF_8), fields);
        assertThat(evaluator.evaluate(fields)).isEqualTo(EventFilter.Outcome.NO_MATCH);
    }
}
