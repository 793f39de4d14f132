package io.rtpipe.producer.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class LineEventIdsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final LineEventIds ids = new LineEventIds("event_id");

    private String stamp(String line) {
        return new String(ids.stamp(line.getBytes(StandardCharsets.UTF_8), "(dev=803,ino=12):0:42"),
                StandardCharsets.UTF_8);
    }

    @Test
    void aJsonObjectWithoutTheFieldGetsItAfterItsBraceAndKeepsEveryOtherByte() throws Exception {
        String line = "  {\"ts\": 1.50, \"type\":\"view\",\"nested\":{\"event_id\":\"inner\"}}";
        String stamped = stamp(line);
        assertThat(stamped).isEqualTo("  {\"event_id\":\"(dev=803,ino=12):0:42\",\"ts\": 1.50, \"type\":\"view\","
                + "\"nested\":{\"event_id\":\"inner\"}}");
        JsonNode event = JSON.readTree(stamped);
        assertThat(event.get("event_id").asText()).isEqualTo("(dev=803,ino=12):0:42");
        assertThat(event.get("nested").get("event_id").asText()).isEqualTo("inner");
    }

    @Test
    void anEmptyObjectGetsTheFieldWithoutAComma() throws Exception {
        assertThat(JSON.readTree(stamp("{ }")).get("event_id").asText()).isEqualTo("(dev=803,ino=12):0:42");
    }

    @Test
    void aLineWithItsOwnIdIsLeftAsItIs() {
        String line = "{\"type\":\"view\",\"event_id\":null}";
        assertThat(stamp(line)).isEqualTo(line);
    }

    @Test
    void linesThatAreNotExactlyOneJsonObjectAreLeftAsTheyAre() {
        for (String line : new String[] {"plain text", "a,b,c", "[1,2]", "\"s\"", "{\"a\":1", "{\"a\":1} {\"b\":2}",
                "{\"a\":1} trailing", "{bad json}", ""}) {
            assertThat(stamp(line)).as(line).isEqualTo(line);
        }
    }

    @Test
    void theFieldNameAndIdAreJsonEscaped() throws Exception {
        LineEventIds quoted = new LineEventIds("id\"x");
        String stamped = new String(quoted.stamp("{}".getBytes(StandardCharsets.UTF_8), "a\"b\\c"),
                StandardCharsets.UTF_8);
        assertThat(JSON.readTree(stamped).get("id\"x").asText()).isEqualTo("a\"b\\c");
    }
}
