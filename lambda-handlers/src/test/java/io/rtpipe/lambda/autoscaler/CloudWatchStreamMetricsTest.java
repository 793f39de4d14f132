package io.rtpipe.lambda.autoscaler;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CloudWatchStreamMetricsTest {

    private static final Instant START = Instant.parse("2026-03-01T11:00:00Z");

    @Test
    void asksForTheFourStreamMetricsPerMinute() {
        GetMetricDataRequest request = CloudWatchStreamMetrics.request("events", START.plusSeconds(3600), 60);
        assertThat(request.startTime()).isEqualTo(START);
        assertThat(request.metricDataQueries()).extracting(q -> q.metricStat().metric().metricName())
                .containsExactly("IncomingBytes", "IncomingRecords", "WriteProvisionedThroughputExceeded",
                        "GetRecords.IteratorAgeMilliseconds");
        assertThat(request.metricDataQueries()).extracting(q -> q.metricStat().stat())
                .containsExactly("Sum", "Sum", "Sum", "Maximum");
        for (MetricDataQuery q : request.metricDataQueries()) {
            assertThat(q.metricStat().period()).isEqualTo(60);
            assertThat(q.metricStat().metric().namespace()).isEqualTo("AWS/Kinesis");
            assertThat(q.metricStat().metric().dimensions()).singleElement()
                    .satisfies(d -> assertThat(d.value()).isEqualTo("events"));
        }
    }

    @Test
    void joinsSeriesByMinuteAndFillsMissingMinutesWithZero() {
        Instant m0 = START;
        Instant m2 = START.plusSeconds(120);
        List<MetricDataResult> results = List.of(
                result(CloudWatchStreamMetrics.BYTES, List.of(m2, m0), List.of(2048.0, 1024.0)),
                result(CloudWatchStreamMetrics.RECORDS, List.of(m0, m2), List.of(1.0, 2.0)),
                result(CloudWatchStreamMetrics.THROTTLED, List.of(m2), List.of(7.0)),
                result(CloudWatchStreamMetrics.AGE, List.of(), List.of()));

        List<MinuteMetrics> minutes = CloudWatchStreamMetrics.toMinutes(results, START, 3);

        assertThat(minutes).containsExactly(
                new MinuteMetrics(m0, 1024, 1, 0, 0),
                MinuteMetrics.idle(START.plusSeconds(60)),
                new MinuteMetrics(m2, 2048, 2, 7, 0));
    }

    private static MetricDataResult result(String id, List<Instant> timestamps, List<Double> values) {
        return MetricDataResult.builder().id(id).timestamps(timestamps).values(values).build();
    }
}
