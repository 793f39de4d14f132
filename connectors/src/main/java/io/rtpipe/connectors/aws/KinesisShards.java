package io.rtpipe.connectors.aws;

import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.util.ArrayList;
import java.util.List;

/** The shards of a stream, for everything that judges finality or reads a stream without KCL. */
public final class KinesisShards {

    private KinesisShards() {
    }

    /** Every shard of the stream, open or closed, across ListShards pages. */
    public static List<Shard> list(KinesisAsyncClient kinesis, String stream) {
        List<Shard> shards = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            ListShardsResponse page = token == null
                    ? kinesis.listShards(b -> b.streamName(stream)).join()
                    : kinesis.listShards(b -> b.nextToken(token)).join();
            shards.addAll(page.shards());
            next = page.nextToken();
        } while (next != null);
        return shards;
    }
}
