package io.rtpipe.lambda.autoscaler;

import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Kinesis stream-level metrics ({@code AWS/Kinesis}, one-minute periods) with one GetMetricData call, and
 * publishes the open shard count to the {@value #NAMESPACE} namespace.
 */
public final class CloudWatchStreamMetrics implements StreamMetricsSource, ShardCountPublisher {

    public static final String NAMESPACE = "rtpipe";
    public static final String OPEN_SHARD_COUNT = "OpenShardCount";

    static final String BYTES = "bytes";
    static final String RECORDS = "records";
    static final String THROTTLED = "throttled";
    static final String AGE = "age";

    private final CloudWatchAsyncClient cloudWatch;

    public CloudWatchStreamMetrics(CloudWatchAsyncClient cloudWatch) {
        this.cloudWatch = cloudWatch;
    }

    @Override
    public List<MinuteMetrics> minutes(String streamName, Instant end, int minutes) {
        GetMetricDataRequest request = request(streamName, end, minutes);
        List<MetricDataResult> results = new ArrayList<>();
        String token = null;
        do {
            GetMetricDataResponse response = cloudWatch.getMetricData(request.toBuilder().nextToken(token).build()).join();
            results.addAll(response.metricDataResults());
            token = response.nextToken();
        } while (token != null);
        return toMinutes(results, end.minus(Duration.ofMinutes(minutes)), minutes);
    }

    @Override
    public void publish(String streamName, int openShards) {
        cloudWatch.putMetricData(PutMetricDataRequest.builder()
                .namespace(NAMESPACE)
                .metricData(MetricDatum.builder()
                        .metricName(OPEN_SHARD_COUNT)
                        .dimensions(Dimension.builder().name("StreamName").value(streamName).build())
                        .unit(StandardUnit.COUNT)
                        .value((double) openShards)
                        .timestamp(Instant.now())
                        .build())
                .build()).join();
    }

    static GetMetricDataRequest request(String streamName, Instant end, int minutes) {
        return GetMetricDataRequest.builder()
                .startTime(end.minus(Duration.ofMinutes(minutes)))
                .endTime(end)
                .metricDataQueries(
                        query(BYTES, streamName, "IncomingBytes", "Sum"),
                        query(RECORDS, streamName, "IncomingRecords", "Sum"),
                        query(THROTTLED, streamName, "WriteProvisionedThroughputExceeded", "Sum"),
                        query(AGE, streamName, "GetRecords.IteratorAgeMilliseconds", "Maximum"))
                .build();
    }

    private static MetricDataQuery query(String id, String streamName, String metricName, String stat) {
        return MetricDataQuery.builder()
                .id(id)
                .returnData(true)
                .metricStat(MetricStat.builder()
                        .period(60)
                        .stat(stat)
                        .metric(Metric.builder()
                                .namespace("AWS/Kinesis")
                                .metricName(metricName)
                                .dimensions(Dimension.builder().name("StreamName").value(streamName).build())
                                .build())
                        .build())
                .build();
    }

    /** Joins the four series by minute; minutes with no datapoint (CloudWatch omits idle minutes) become zero. */
    static List<MinuteMetrics> toMinutes(List<MetricDataResult> results, Instant start, int minutes) {
        Map<String, Map<Instant, Double>> byId = new HashMap<>();
        for (MetricDataResult result : results) {
            Map<Instant, Double> series = byId.computeIfAbsent(result.id(), id -> new HashMap<>());
            for (int i = 0; i < result.timestamps().size(); i++) {
                series.merge(result.timestamps().get(i), result.values().get(i), Double::sum);
            }
        }
        List<MinuteMetrics> out = new ArrayList<>(minutes);
        for (int m = 0; m < minutes; m++) {
            Instant minute = start.plus(Duration.ofMinutes(m));
            out.add(new MinuteMetrics(minute, value(byId, BYTES, minute), value(byId, RECORDS, minute),
                    value(byId, THROTTLED, minute), value(byId, AGE, minute)));
        }
        return out;
    }

    private static double value(Map<String, Map<Instant, Double>> byId, String id, Instant minute) {
        return byId.getOrDefault(id, Map.of()).getOrDefault(minute, 0.0);
    }
}
