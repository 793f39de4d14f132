package io.rtpipe.lambda.autoscaler;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ShardAutoscalerHandlerTest {

    @Test
    void handlesAScheduledEventAndReturnsTheDecision() {
        ScheduledEvent event = EventLoader.loadScheduledEvent("scheduled_event.json");
        assertThat(event.getSource()).isEqualTo("aws.events");
        InMemoryStream stream = new InMemoryStream(3);
        ShardAutoscaler autoscaler = new ShardAutoscaler("events", new ScalingPolicy(ScalingConfig.defaults()),
                (name, end, minutes) -> List.of(), stream, (name, shards) -> { }, true,
                Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC));

        String result = new ShardAutoscalerHandler(autoscaler).handleRequest(event, null);

        assertThat(result).startsWith("HOLD 3 -> 3").contains("no metrics");
        assertThat(stream.updateCalls).isEmpty();
    }
}
