package io.rtpipe.connectors.reference;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.core.reference.ReferenceException;
import io.rtpipe.core.reference.ReferenceSpec;
import io.rtpipe.core.reference.ReferenceTable;
import io.rtpipe.core.task.ReferencePort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Loads a spec's reference tables and keeps them current: each is read once at start (a table that cannot be read
 * or used stops the start with its {@link ReferenceException} sentence), then again every {@code reload} on a
 * daemon thread; a failed reload is logged and keeps the table in use. The shard tasks take a new version at their
 * next checkpoint ({@code ShardTask}); an older version a restarting shard's progress names is read again from the
 * source if it still has it (a versioned S3 bucket), and the last one asked for is kept.
 */
public final class ReferenceLoader implements ReferencePort, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceLoader.class);

    private final Map<String, TableSource> sources;
    private final Map<String, ReferenceTable> newest = new ConcurrentHashMap<>();
    /** Per reference, the older version last asked for by a restarting shard. */
    private final Map<String, ReferenceTable> older = new ConcurrentHashMap<>();
    private final List<SdkClient> clients;
    private final ScheduledExecutorService reloads;

    private ReferenceLoader(Map<String, TableSource> sources, List<SdkClient> clients) {
        this.sources = sources;
        this.clients = clients;
        reloads = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "rtpipe-reference-reload");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Loads every reference of a spec and schedules its reloads; S3 and DynamoDB clients are built from
     * {@code clients} only if a reference needs them, and closed with the loader.
     *
     * @throws ReferenceException naming the first table that cannot be read or used
     */
    public static ReferenceLoader start(List<ReferenceSpec> references, AwsClients clients) {
        List<SdkClient> built = new ArrayList<>();
        S3Client s3 = null;
        DynamoDbClient dynamoDb = null;
        Map<String, TableSource> sources = new LinkedHashMap<>();
        for (ReferenceSpec reference : references) {
            if (reference.source() instanceof ReferenceSpec.S3Object object) {
                if (s3 == null) {
                    s3 = clients.s3();
                    built.add(s3);
                }
                sources.put(reference.name(), new S3TableSource(reference, object, s3));
            } else if (reference.source() instanceof ReferenceSpec.DynamoDbTable table) {
                if (dynamoDb == null) {
                    dynamoDb = clients.dynamoDb();
                    built.add(dynamoDb);
                }
                sources.put(reference.name(), new DynamoDbTableSource(reference, table, dynamoDb));
            } else {
                sources.put(reference.name(), new FileTableSource(reference, (ReferenceSpec.LocalFile) reference.source()));
            }
        }
        ReferenceLoader loader = new ReferenceLoader(sources, built);
        try {
            for (ReferenceSpec reference : references) {
                loader.load(reference.name());
                loader.reloads.scheduleWithFixedDelay(() -> loader.reload(reference.name()),
                        reference.reload().toMillis(), reference.reload().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (RuntimeException e) {
            loader.close();
            throw e;
        }
        return loader;
    }

    private void load(String name) {
        ReferenceTable current = newest.get(name);
        ReferenceTable table = sources.get(name).newest(current);
        if (current == null || !current.version().equals(table.version())) {
            LOG.info("Reference {}: loaded version {} ({} rows)", name, table.version(), table.rows().size());
        }
        newest.put(name, table);
    }

    private void reload(String name) {
        try {
            load(name);
        } catch (RuntimeException e) {
            LOG.warn("Reference {}: reload failed, the version in use stays: {}", name, e.getMessage());
        }
    }

    @Override
    public Map<String, ReferenceTable> newest() {
        return Map.copyOf(newest);
    }

    @Override
    public Optional<ReferenceTable> version(String name, String version) {
        ReferenceTable current = newest.get(name);
        if (current != null && current.version().equals(version)) {
            return Optional.of(current);
        }
        ReferenceTable kept = older.get(name);
        if (kept != null && kept.version().equals(version)) {
            return Optional.of(kept);
        }
        TableSource source = sources.get(name);
        if (source == null) {
            return Optional.empty();
        }
        Optional<ReferenceTable> read = source.version(version);
        read.ifPresent(table -> older.put(name, table));
        return read;
    }

    @Override
    public void close() {
        reloads.shutdownNow();
        for (SdkClient client : clients) {
            try {
                client.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing {} failed", client.serviceName(), e);
            }
        }
    }
}
