package io.rtpipe.connectors.s3;

import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.List;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;

/** The snapshot store against the sandbox's S3: keys, read-back, and pruning by checkpoint position. */
@ExtendWith(SandboxExtension.class)
class S3SnapshotStoreIT {

    @Test
    void storesReadsAndDeletesSnapshotsOfEarlierCheckpoints(LocalAws aws) {
        String bucket = unique("snapshots-it");
        aws.createBucket(bucket);
        try (var s3 = aws.clients().s3()) {
            var store = new S3SnapshotStore(s3, bucket, "orders", RetryPolicy.defaults());
            var p9 = RecordPosition.of("9");
            var p10 = new RecordPosition("10", 3); // sorts after 9 as a position, before it as text
            var p12 = RecordPosition.of("12");
            store.write("shard-0", RecordPosition.of("5"), "aaaa", new byte[] {5});
            store.write("shard-0", p9, "bbbb", new byte[] {9});
            store.write("shard-0", p10, "cccc", new byte[] {10});
            store.write("shard-0", p12, "dddd", new byte[] {12});
            store.write("shard-1", RecordPosition.of("1"), "eeee", new byte[] {1});

            assertThat(store.key("shard-0", p10, "cccc")).isEqualTo("state/orders/shard-0/10_3-cccc.bin");
            assertThat(store.read("shard-0", p10, "cccc")).hasValueSatisfying(b -> assertThat(b).containsExactly(10));
            assertThat(store.read("shard-0", p10, "ffff")).isEmpty();

            store.deleteBefore("shard-0", p10);
            List<String> keys = s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("state/")).contents().stream()
                    .map(S3Object::key).sorted().toList();
            assertThat(keys).containsExactly("state/orders/shard-0/10_3-cccc.bin", "state/orders/shard-0/12-dddd.bin",
                    "state/orders/shard-1/1-eeee.bin");
        }
    }
}
