package io.rtpipe.lambda.autoscaler;

import java.time.Instant;
import java.util.List;

/** Where the autoscaler reads a stream's per-minute metrics (CloudWatch in AWS; a list in tests). */
public interface StreamMetricsSource {

    /**
     * The {@code minutes} whole minutes before {@code end} (a minute boundary), oldest first; a minute without
     * data is reported as {@linkplain MinuteMetrics#idle idle}, so the list always has {@code minutes} entries.
     */
    List<MinuteMetrics> minutes(String streamName, Instant end, int minutes);
}
