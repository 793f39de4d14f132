package io.rtpipe.producer.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.producer.aggregation.AggregatingProducer;
import io.rtpipe.producer.aggregation.AggregationConfig;
import io.rtpipe.producer.kinesis.KinesisBatchProducer;
import io.rtpipe.producer.kinesis.ProducerConfig;
import io.rtpipe.producer.testing.StreamContents;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients POST batches (JSON lines and arrays, some with a bad line) to the HTTP source in front of the aggregating
 * producer on the sandbox's Kinesis; every event of a 200 answer is in the stream once (read back and de-aggregated
 * with KCL's code) and nothing of a refused request is.
 */
@ExtendWith(SandboxExtension.class)
class HttpIngestSourceIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyAcceptedEventIsInTheStreamAndNothingOfARefusedRequest(LocalAws aws) throws Exception {
        long t0 = System.nanoTime();
        AwsClients clients = aws.clients();
        String stream = unique("http-ingest");
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
            for (StreamContents.ShardContents shard : StreamContents.read(kinesis, stream)) {
                for (KinesisClientRecord user : shard.userRecords()) {
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
