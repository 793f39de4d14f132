package io.rtpipe.cli.console;

import io.rtpipe.consumer.ConsumerConfig;
import io.rtpipe.core.engine.EngineConfig;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * What the console watches and where it serves. Immutable.
 *
 * @param stream        the Kinesis stream the consumer reads
 * @param application   the consumer's KCL application: scopes the stored shard progress
 * @param bucket        the consumer's bucket (raw/, deadletter/ and late/ prefixes)
 * @param leaseTable    KCL's lease table (the consumer's default: the application name)
 * @param resultsTable  the window-results table (default {@code <application>-results})
 * @param progressTable the shard-progress table (default {@code <application>-progress})
 * @param engine        the metrics the consumer runs (names, aggregates, windows)
 * @param address       where the page is served; {@link #DEFAULT_BIND} keeps it on this machine
 * @param refresh       how often the console samples the stream and the archive ({@link #DEFAULT_REFRESH})
 * @param history       how far back charts reach ({@link #DEFAULT_HISTORY})
 * @param topKeys       group keys drawn per chart, the largest by total over the history ({@link #DEFAULT_TOP_KEYS})
 */
public record ConsoleConfig(String stream, String application, String bucket, String leaseTable,
                            String resultsTable, String progressTable, EngineConfig engine,
                            InetSocketAddress address, Duration refresh, Duration history, int topKeys) {

    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 8642;
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(2);
    public static final Duration DEFAULT_HISTORY = Duration.ofHours(1);
    public static final int DEFAULT_TOP_KEYS = 8;
    /** Rates are averaged over this span: the consumer writes its archive once per checkpoint interval. */
    public static final Duration RATE_SPAN = Duration.ofSeconds(30);

    public ConsoleConfig {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(leaseTable, "leaseTable");
        Objects.requireNonNull(resultsTable, "resultsTable");
        Objects.requireNonNull(progressTable, "progressTable");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(address, "address");
        if (refresh.isNegative() || refresh.isZero() || history.isNegative() || history.isZero() || topKeys < 1) {
            throw new IllegalArgumentException("refresh and history must be positive and top keys at least 1, got "
                    + refresh + ", " + history + ", " + topKeys);
        }
    }

    /** The console of the consumer {@code consumer} configures, with the default refresh, history and top keys. */
    public static ConsoleConfig of(ConsumerConfig consumer, InetSocketAddress address) {
        return new ConsoleConfig(consumer.streamName(), consumer.applicationName(), consumer.bucket(),
                consumer.leaseTableName(), consumer.resultsTableName(), consumer.progressTableName(),
                consumer.engine(), address, DEFAULT_REFRESH, DEFAULT_HISTORY, DEFAULT_TOP_KEYS);
    }
}
