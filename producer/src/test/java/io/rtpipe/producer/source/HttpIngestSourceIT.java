package io.rtpipe.producer.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.producer.aggregation.AggregatingProducer;
import io.rtpipe.producer.aggregation.AggregationConfig;
import io.rtpipe.producer.kinesis.KinesisBatchProducer;
import io.rtpipe.producer.kinesis.ProducerConfig;
import io.rtpipe.sandbox.Backend;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.Sandbox;
import io.rtpipe.sandbox.SandboxConfig;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients POST batches (JSON lines and arrays, some with a bad line) to the HTTP source in front of the aggregating
 * producer on kinesis-mock; every event of a 200 answer is in the stream once (read back and de-aggregated with
 * KCL's code) and nothing of a refused request is.
 */
class HttpIngestSourceIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyAcceptedEventIsInTheStreamAndNothingOfARefusedRequest() throws Exception {
        long t0 = System.nanoTime();
        try (LocalAws aws = Sandbox.start(SandboxConfig.builder().backend(Backend.EMULATORS).build())) {
            System.out.printf("emulators up after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            AwsClients clients = new AwsClients(aws.awsConfig());
            String stream = "http-ingest-" + UUID.randomUUID().toString().substring(0, 8);
            aws.createStream(stream, 2);
            Set<String> accepted = ConcurrentHashMap.newKeySet();
            Set<String> refused = ConcurrentHashMap.newKeySet();
            HttpIngestSource source = HttpIngestSource.builder().bind();
            Thread runner;
            long retries;
            try (AggregatingProducer producer = AggregatingProducer.wrap(
                    KinesisBatchProducer.create(clients, ProducerConfig.builder(stream).partitionKeyField("user").build()),
                    AggregationConfig.builder().hashBuckets(8).build())) {
                runner = new Thread(() -> {
                    try {
                        source.run(producer::send);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                runner.start();
                URI events = URI.create("http://127.0.0.1:" + source.address().getPort() + "/events");
                HttpClient http = HttpClient.newHttpClient();
                ExecutorService clientsPool = Executors.newFixedThreadPool(4);
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < 4; c++) {
                    int client = c;
                    done.add(clientsPool.submit(() -> {
                        for (int batch = 0; batch < 10; batch++) {
                            boolean array = batch % 2 == 1;
                            boolean bad = batch == 3 || batch == 8; // one array, one JSON lines body
                            List<String> ids = new ArrayList<>();
                            StringBuilder body = new StringBuilder(array ? "[" : "");
                            for (int i = 0; i < 40; i++) {
                                String id = client + "-" + batch + "-" + i;
                                ids.add(id);
                                String event = bad && i == 17 ? "{\"id\":\"" + id + "\"" // unterminated: bad
                                        : "{\"id\":\"" + id + "\",\"user\":\"u" + (i % 13) + "\"}";
                                body.append(event).append(array ? (i < 39 ? "," : "]") : "\n");
                            }
                            HttpResponse<String> response = http.send(HttpRequest.newBuilder(events)
                                    .header("Content-Type", array ? "application/json" : "application/x-ndjson")
                                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (bad) {
                                assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
                                refused.addAll(ids);
                            } else {
                                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                                assertThat(JSON.readTree(response.body()).get("accepted").asInt()).isEqualTo(40);
                                accepted.addAll(ids);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                System.out.printf("all requests answered after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                clientsPool.shutdown();
                source.close();
                runner.join(15_000);
                System.out.printf("source stopped after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                retries = producer.metrics().recordRetries();
                System.out.printf("HTTP ingest: %d events accepted in %d Kinesis records%n", accepted.size(),
                        producer.kinesisRecords());
            }
            System.out.printf("producer closed after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(runner.isAlive()).isFalse();
            assertThat(accepted).hasSize(4 * 8 * 40);
            assertThat(refused).hasSize(4 * 2 * 40);

            Map<String, Integer> inStream = new HashMap<>();
            try (KinesisAsyncClient kinesis = clients.kinesisAsync()) {
                for (Shard shard : kinesis.listShards(r -> r.streamName(stream)).join().shards()) {
                    List<KinesisClientRecord> read = new ArrayList<>();
                    String iterator = kinesis.getShardIterator(r -> r.streamName(stream).shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator();
                    while (iterator != null) {
                        String it = iterator;
                        GetRecordsResponse response = kinesis.getRecords(r -> r.shardIterator(it).limit(10_000)).join();
                        response.records().forEach(r -> read.add(KinesisClientRecord.fromRecord(r)));
                        iterator = response.records().isEmpty() ? null : response.nextShardIterator();
                    }
                    for (KinesisClientRecord user : new AggregatorUtil().deaggregate(read,
                            shard.hashKeyRange().startingHashKey(), shard.hashKeyRange().endingHashKey())) {
                        String id = JSON.readTree(StandardCharsets.UTF_8.decode(user.data()).toString()).get("id").asText();
                        inStream.merge(id, 1, Integer::sum);
                    }
                }
            }
            assertThat(inStream.keySet()).containsExactlyInAnyOrderElementsOf(accepted);
            assertThat(retries).as("producer retries (duplicates would be allowed after one)").isZero();
            assertThat(inStream.values()).allMatch(n -> n == 1);
        }
    }
}
