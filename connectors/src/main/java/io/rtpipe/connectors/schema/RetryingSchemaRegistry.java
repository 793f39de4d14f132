package io.rtpipe.connectors.schema;

import io.rtpipe.connectors.retry.Backoff;
import io.rtpipe.core.event.SchemaId;
import io.rtpipe.core.event.SchemaRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * A {@link SchemaRegistry} over one registry's {@link SchemaFetcher}: answers are cached per id (bounded, least
 * recently used out; registered schemas never change, so nothing expires), and a failed call is retried with
 * {@link Backoff} until the registry answers. A registry outage thus holds the shard's records back (logged at the
 * first failure and every tenth retry) instead of dead-lettering good ones; only the registry's "no such schema" makes
 * a dead letter, and that answer is cached too, so a stream of such records does not call the registry per record.
 * Thread-safe: every shard's decoder of the process shares one.
 */
public final class RetryingSchemaRegistry implements SchemaRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(RetryingSchemaRegistry.class);
    /** Schema versions kept: far more than a stream carries at once, a few MB at most. */
    static final int CACHED = 1_000;
    static final Backoff BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30));

    /** Waits between retries; tests count the waits instead of taking them. */
    interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    /** A cached answer: the schema, or the registry's refusal. */
    private record Answer(String schema, UnknownSchemaException unknown) {
    }

    private final String registryName;
    private final SchemaFetcher fetcher;
    private final Sleeper sleeper;
    private final DoubleSupplier random;
    private final Map<SchemaId, Answer> answers = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SchemaId, Answer> eldest) {
            return size() > CACHED;
        }
    };

    RetryingSchemaRegistry(String registryName, SchemaFetcher fetcher, Sleeper sleeper, DoubleSupplier random) {
        this.registryName = registryName;
        this.fetcher = fetcher;
        this.sleeper = sleeper;
        this.random = random;
    }

    /** @param registryName how log lines name the registry, e.g. "the Glue Schema Registry" */
    static RetryingSchemaRegistry of(String registryName, SchemaFetcher fetcher) {
        return new RetryingSchemaRegistry(registryName, fetcher, nanos -> Thread.sleep(nanos / 1_000_000,
                (int) (nanos % 1_000_000)), () -> ThreadLocalRandom.current().nextDouble());
    }

    @Override
    public String schema(SchemaId id) {
        Answer answer;
        synchronized (answers) {
            answer = answers.get(id);
        }
        if (answer == null) {
            answer = fetchUntilAnswered(id);
            synchronized (answers) {
                answers.put(id, answer);
            }
        }
        if (answer.unknown() != null) {
            throw answer.unknown();
        }
        return answer.schema();
    }

    private Answer fetchUntilAnswered(SchemaId id) {
        for (int retry = 1; ; retry++) {
            try {
                return new Answer(fetcher.fetch(id), null);
            } catch (UnknownSchemaException e) {
                return new Answer(null, e);
            } catch (RuntimeException e) {
                if (retry == 1 || retry % 10 == 0) {
                    LOG.warn("{} could not be fetched from {} (attempt {}): {}; retrying with backoff, the shard's "
                            + "records wait and none is dead-lettered", id, registryName, retry, e.toString());
                }
                try {
                    sleeper.sleepNanos(BACKOFF.delayNanos(retry, random.getAsDouble()));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(id + " could not be fetched from " + registryName
                            + " before the shard was stopped (" + e.getMessage() + ")", e);
                }
            }
        }
    }
}
