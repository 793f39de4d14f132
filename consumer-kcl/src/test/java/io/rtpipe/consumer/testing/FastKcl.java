package io.rtpipe.consumer.testing;

import io.rtpipe.consumer.ConsumerConfig;

import java.time.Duration;

/**
 * KCL timings that make a test consumer take its leases, read and hand over within seconds on the emulators
 * (failover 1 s, idle between reads 200 ms, shard sync and parent poll 1 s, dispatch 200 ms, checkpoint every
 * 500 ms, graceful shutdown 20 s); the defaults are for a real stream and take minutes. A test overrides what it
 * measures by setting it again on the builder.
 */
public final class FastKcl {
    private FastKcl() {
    }

    public static ConsumerConfig.Builder builder(String application, String stream, String bucket) {
        return ConsumerConfig.builder(application, stream, bucket)
                .checkpointInterval(Duration.ofMillis(500))
                .failoverTime(Duration.ofSeconds(1))
                .idleTimeBetweenReads(Duration.ofMillis(200))
                .shardSyncInterval(Duration.ofSeconds(1))
                .parentShardPollInterval(Duration.ofSeconds(1))
                .dispatchInterval(Duration.ofMillis(200))
                .gracefulShutdownTimeout(Duration.ofSeconds(20));
    }
}
