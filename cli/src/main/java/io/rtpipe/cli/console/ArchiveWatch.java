package io.rtpipe.cli.console;

import io.rtpipe.connectors.s3.IntervalKind;
import io.rtpipe.connectors.s3.IntervalLines;
import io.rtpipe.connectors.s3.IntervalReader;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The archive side of the console: what the consumer wrote under {@code raw/}, {@code deadletter/} and {@code late/}.
 * Each interval object is read once. Records out (raw), dead letters and late records per second count the lines of
 * objects written within {@link ConsoleConfig#RATE_SPAN}; dead letters and late records of the last
 * {@link #BROWSE_SPAN} are kept for the browser.
 *
 * <p>Cheap listing: object keys carry an hourly partition ({@code dt=…/hr=…} of the interval's first arrival), so one
 * listing that starts after the partition of "now minus the span" sees only recent objects, whatever the archive
 * holds. Not thread-safe: one sampler thread calls {@link #sample}; {@link #recent} copies.
 */
final class ArchiveWatch {

    static final Duration BROWSE_SPAN = Duration.ofHours(24);
    static final int DATA_CHARS = 2_000;
    /** Dead letters and late records kept per kind for the browser, newest first. */
    static final int BROWSE_LIMIT = 500;
    private static final DateTimeFormatter PARTITION =
            DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hr='HH").withZone(ZoneOffset.UTC);

    private final ConsoleConfig config;
    private final S3Client s3;
    private final IntervalReader reader;
    private final Set<String> seenRaw = new HashSet<>();
    private final Map<IntervalKind, Map<String, List<ArchivedRecord>>> browsed = new EnumMap<>(IntervalKind.class);
    private final Map<IntervalKind, RateWindow> rates = new EnumMap<>(IntervalKind.class);
    private volatile Map<IntervalKind, List<ArchivedRecord>> recent = Map.of();

    ArchiveWatch(ConsoleConfig config, S3Client s3, long startedMillis) {
        this.config = config;
        this.s3 = s3;
        this.reader = new IntervalReader(s3, config.bucket());
        for (IntervalKind kind : IntervalKind.values()) {
            rates.put(kind, new RateWindow(ConsoleConfig.RATE_SPAN, startedMillis));
        }
        browsed.put(IntervalKind.DEADLETTER, new HashMap<>());
        browsed.put(IntervalKind.LATE, new HashMap<>());
    }

    void sample(long nowMillis) {
        Instant now = Instant.ofEpochMilli(nowMillis);
        // An interval's partition is its first record's hour; its object can appear an hour later: look one hour back.
        sampleRaw(now);
        Map<IntervalKind, List<ArchivedRecord>> latest = new EnumMap<>(IntervalKind.class);
        for (IntervalKind kind : List.of(IntervalKind.DEADLETTER, IntervalKind.LATE)) {
            latest.put(kind, sampleBrowsed(kind, now));
        }
        recent = latest;
    }

    double perSecond(IntervalKind kind, long nowMillis) {
        return rates.get(kind).perSecond(nowMillis);
    }

    /** The kind's newest records (dead letters or late), newest object first. */
    List<ArchivedRecord> recent(IntervalKind kind) {
        return recent.getOrDefault(kind, List.of());
    }

    private void sampleRaw(Instant now) {
        Set<String> listed = new HashSet<>();
        for (S3Object object : list(IntervalKind.RAW, now.minus(ConsoleConfig.RATE_SPAN).minus(Duration.ofHours(1)))) {
            listed.add(object.key());
            if (seenRaw.add(object.key()) && isRecent(object, now)) {
                rates.get(IntervalKind.RAW).add(now.toEpochMilli(), reader.object(object.key()).size());
            }
        }
        seenRaw.retainAll(listed);
    }

    private List<ArchivedRecord> sampleBrowsed(IntervalKind kind, Instant now) {
        Map<String, List<ArchivedRecord>> objects = browsed.get(kind);
        Set<String> listed = new HashSet<>();
        for (S3Object object : list(kind, now.minus(BROWSE_SPAN))) {
            listed.add(object.key());
            if (!objects.containsKey(object.key())) {
                List<ArchivedRecord> records = reader.object(object.key()).stream()
                        .map(line -> record(kind, line)).toList();
                objects.put(object.key(), records);
                if (isRecent(object, now)) {
                    rates.get(kind).add(now.toEpochMilli(), records.size());
                }
            }
        }
        objects.keySet().retainAll(listed);
        List<ArchivedRecord> newest = objects.values().stream()
                .flatMap(List::stream)
                .sorted(Comparator.comparing((ArchivedRecord r) -> Instant.parse(r.arrival()))
                        .thenComparing(r -> new java.math.BigInteger(r.sequenceNumber())).reversed())
                .limit(BROWSE_LIMIT)
                .toList();
        // Memory stays bounded by what is listed: older objects are remembered as read, without their lines.
        Set<String> shown = newest.stream().map(ArchivedRecord::object).collect(Collectors.toSet());
        objects.replaceAll((key, records) -> shown.contains(key) ? records : List.of());
        return newest;
    }

    private static boolean isRecent(S3Object object, Instant now) {
        return object.lastModified().isAfter(now.minus(ConsoleConfig.RATE_SPAN));
    }

    /** Objects of {@code kind} whose partition hour is at or after {@code since}'s. */
    private List<S3Object> list(IntervalKind kind, Instant since) {
        String prefix = kind.prefix() + "/" + config.stream() + "/";
        // Keys of the partition hour of `since` continue with "/", so they sort after the bare partition name.
        String startAfter = prefix + PARTITION.format(since.truncatedTo(ChronoUnit.HOURS));
        List<S3Object> objects = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(config.bucket()).prefix(prefix).startAfter(startAfter)).contents()
                .forEach(objects::add);
        return objects;
    }

    private static ArchivedRecord record(IntervalKind kind, IntervalLines.Line line) {
        String detail = kind == IntervalKind.DEADLETTER
                ? line.reason()
                : line.metric() + ", window " + line.windowStart();
        String data = line.displayData();
        if (data.length() > DATA_CHARS) {
            data = data.substring(0, DATA_CHARS) + "…";
        }
        return new ArchivedRecord(kind.prefix(), line.shardId(), line.sequenceNumber(),
                line.arrival().toString(), detail, data, line.key());
    }
}
