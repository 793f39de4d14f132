package io.rtpipe.consumer;

import io.rtpipe.consumer.testing.Archive;
import io.rtpipe.consumer.testing.SharedLocalAws;
import io.rtpipe.consumer.testing.StreamFeeder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KclSmokeIT {
    @Test
    void smoke() throws Exception {
        var aws = SharedLocalAws.get();
        var clients = SharedLocalAws.clients();
        String stream = SharedLocalAws.unique("smoke");
        String bucket = SharedLocalAws.unique("smoke-bucket");
        aws.createStream(stream, 2);
        aws.createBucket(bucket);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 1000; i++) payloads.add(("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        List<StreamFeeder.Put> puts;
        try (var k = clients.kinesisAsync()) { puts = StreamFeeder.put(k, stream, payloads, 16); }
        var config = ConsumerConfig.builder(SharedLocalAws.unique("app"), stream, bucket)
                .checkpointInterval(Duration.ofMillis(500)).failoverTime(Duration.ofSeconds(1))
                .idleTimeBetweenReads(Duration.ofMillis(200)).shardSyncInterval(Duration.ofSeconds(1))
                .parentShardPollInterval(Duration.ofSeconds(1)).build();
        var consumer = new KclConsumer(config, clients);
        long t0 = System.nanoTime();
        consumer.start();
        long tStarted = System.nanoTime();
        assertThat(consumer.awaitReady(Duration.ofSeconds(60))).isTrue();
        long tReady = System.nanoTime();
        while (consumer.stats().recordsConsumed() == 0) Thread.sleep(20);
        long tFirst = System.nanoTime();
        System.out.printf("start %d ms, ready %d ms, first record %d ms%n", (tStarted - t0) / 1000000, (tReady - t0) / 1000000, (tFirst - t0) / 1000000);
        assertThat(consumer.awaitCaughtUp(Instant.now(), Duration.ofSeconds(60))).isTrue();
        System.out.println(consumer.stats().progressLine());
        long s0 = System.nanoTime();
        assertThat(consumer.drainAndStop(Duration.ofSeconds(20))).isTrue();
        System.out.printf("drain %d ms%n", (System.nanoTime() - s0) / 1000000);
        List<Archive.Line> lines;
        try (var s3 = clients.s3()) { lines = Archive.lines(s3, bucket, "raw", stream); }
        assertThat(lines.stream().map(l -> l.json().get("sequence_number").asText()).toList())
                .containsExactlyInAnyOrderElementsOf(puts.stream().map(StreamFeeder.Put::sequenceNumber).toList());
    }
}
