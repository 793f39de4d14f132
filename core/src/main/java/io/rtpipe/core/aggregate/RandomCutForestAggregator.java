package io.rtpipe.core.aggregate;

import com.amazon.randomcutforest.RandomCutForest;
import com.amazon.randomcutforest.returntypes.DiVector;
import io.rtpipe.core.record.RecordPosition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Anomaly scores of the points of one window and key, as KDA's RANDOM_CUT_FOREST computed them: AWS's Random Cut
 * Forest (randomcutforest-core) scores each point, then learns it. The forest lives in the state of one window and
 * key on one shard, fed in shard order and seeded from {@link Aggregator#newState(long)}, so a replay scores the
 * same points the same. Partial: the mergeable summary (points scored, highest score, points scoring at least the
 * threshold, the {@code top} highest-scoring points), merged by sum, max and top-N; the forest itself is never
 * stored. Result: a map, see docs/metrics.md.
 */
final class RandomCutForestAggregator implements Aggregator {
    static final long DEFAULT_TREES = 100;
    static final long DEFAULT_SUB_SAMPLE_SIZE = 256;
    static final long DEFAULT_TIME_DECAY = 100_000;
    static final long DEFAULT_SHINGLE_SIZE = 1;
    static final double DEFAULT_THRESHOLD = 2.0;
    static final long DEFAULT_TOP = 10;
    /** Keeps a partial far below the 400 KB of a results item: 100 rows of 16 fields are about 40 KB. */
    static final long MAX_TOP = 100;

    private static final byte FORMAT = 'R';
    private static final byte VERSION = 1;
    /** Ties in score are broken by time, then position, then values, so merging in any order keeps the same rows. */
    private static final Comparator<Row> HIGHEST_FIRST = Comparator.comparingDouble(Row::score).reversed()
            .thenComparingLong(Row::eventTime).thenComparing(Row::position)
            .thenComparing(Row::values, Arrays::compare);

    private final String fn;
    private final boolean explain;
    private final List<String> fields;
    private final int trees;
    private final int subSampleSize;
    private final long timeDecay;
    private final int shingleSize;
    private final double threshold;
    private final int top;

    RandomCutForestAggregator(String fn, boolean explain, List<String> fields, int trees, int subSampleSize,
                              long timeDecay, int shingleSize, double threshold, int top) {
        this.fn = fn;
        this.explain = explain;
        this.fields = List.copyOf(fields);
        this.trees = trees;
        this.subSampleSize = subSampleSize;
        this.timeDecay = timeDecay;
        this.shingleSize = shingleSize;
        this.threshold = threshold;
        this.top = top;
    }

    static Aggregator create(String fn, boolean explain, AggregatorParams params) {
        List<String> fields = params.fields();
        if (fields.isEmpty()) {
            throw params.invalid("fields", "a list of numeric fields");
        }
        return new RandomCutForestAggregator(fn, explain, fields,
                (int) range(params, "number_of_trees", DEFAULT_TREES, 1, 1000),
                (int) range(params, "sub_sample_size", DEFAULT_SUB_SAMPLE_SIZE, 10, 1000),
                range(params, "time_decay", DEFAULT_TIME_DECAY, 1, Integer.MAX_VALUE),
                (int) range(params, "shingle_size", DEFAULT_SHINGLE_SIZE, 1, 30),
                params.number("threshold", DEFAULT_THRESHOLD),
                (int) range(params, "top", DEFAULT_TOP, 0, MAX_TOP));
    }

    private static long range(AggregatorParams params, String key, long defaultValue, long min, long max) {
        long value = params.integer(key, defaultValue);
        if (value < min || value > max) {
            String extra = key.equals("top") ? " (the partial of a window and key must fit a 400 KB results item)"
                    : "";
            throw params.invalid(key, "a whole number from " + min + " to " + max + extra);
        }
        return value;
    }

    @Override
    public String fn() {
        return fn;
    }

    @Override
    public ValueInput input() {
        return ValueInput.VECTOR;
    }

    /**
     * A forest per window and key is the heavy part: measured, a default forest (100 trees, 256 sampled points of 2
     * dimensions) takes about 1.2 MB. Bounded here at 48 + 16 bytes per dimension per (tree, sampled point), about
     * 1.7 times that, plus the trees' fixed part and the top rows; a point adds to every tree's sample until it holds
     * {@code sub_sample_size}.
     */
    @Override
    public StateSize stateSize(int valueBytes) {
        long dimensions = (long) fields.size() * shingleSize;
        long perPoint = trees * (48 + 16 * dimensions);
        long empty = 4096 + trees * 256L + top * (64 + 24L * fields.size());
        return new StateSize(empty, perPoint, empty + subSampleSize * perPoint);
    }

    @Override
    public Set<String> sizeParameters() {
        return Set.of("number_of_trees", "sub_sample_size", "shingle_size", "top");
    }

    /** The partial is the summary; the forest is rebuilt from the window's records, so no snapshot may hold it. */
    @Override
    public boolean restoresFromPartial() {
        return false;
    }

    @Override
    public AggregateState newState() {
        return newState(0);
    }

    @Override
    public AggregateState newState(long seed) {
        return new State(seed);
    }

    @Override
    public AggregateState fromPartial(Object partial) {
        State state = new State(0);
        if (partial == null) {
            return state;
        }
        try {
            state.read(ByteBuffer.wrap(Partials.asBytes(fn, partial)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a partial of " + fn + ": " + e.getMessage(), e);
        }
        return state;
    }

    /** One scored point; {@code high} and {@code low} (explanation only) are per field, summed over the shingle. */
    private record Row(double score, long eventTime, RecordPosition position, double[] values, double[] high,
                       double[] low) {
    }

    private final class State implements AggregateState {
        private final long seed;
        /** Built on the first point (a state read from a partial is only merged, never fed). */
        private RandomCutForest forest;
        private long scored;
        private long aboveThreshold;
        private double maxScore = Double.NEGATIVE_INFINITY;
        /** The top rows, highest first; at most {@code top}. */
        private final ArrayList<Row> rows = new ArrayList<>();

        State(long seed) {
            this.seed = seed;
        }

        @Override
        public void addLong(long value, long eventTime, RecordPosition position) {
            throw new UnsupportedOperationException(fn + " takes a list of fields");
        }

        @Override
        public void addDouble(double value, long eventTime, RecordPosition position) {
            throw new UnsupportedOperationException(fn + " takes a list of fields");
        }

        @Override
        public void addVector(double[] values, long eventTime, RecordPosition position) {
            if (forest == null) {
                forest = RandomCutForest.builder()
                        .dimensions(values.length * shingleSize)
                        .shingleSize(shingleSize)
                        .internalShinglingEnabled(shingleSize > 1)
                        .numberOfTrees(trees)
                        .sampleSize(subSampleSize)
                        // KDA's timeDecay counts the recent points that matter; the library wants their inverse.
                        .timeDecay(1.0 / timeDecay)
                        .randomSeed(seed)
                        .parallelExecutionEnabled(false)
                        .build();
            }
            // As KDA: score the point against what came before it, then learn it.
            double score = forest.getAnomalyScore(values);
            Row row = null;
            if (top > 0 && (rows.size() < top || score >= rows.get(rows.size() - 1).score())) {
                double[] high = null;
                double[] low = null;
                if (explain) {
                    DiVector attribution = forest.getAnomalyAttribution(values);
                    high = perField(attribution.high, values.length);
                    low = perField(attribution.low, values.length);
                }
                row = new Row(score, eventTime, position, values.clone(), high, low);
            }
            forest.update(values);
            count(score);
            if (row != null) {
                offer(row);
            }
        }

        private double[] perField(double[] shingled, int n) {
            double[] sums = new double[n];
            for (int i = 0; i < shingled.length; i++) {
                sums[i % n] += shingled[i];
            }
            return sums;
        }

        private void count(double score) {
            scored++;
            if (score >= threshold) {
                aboveThreshold++;
            }
            maxScore = Math.max(maxScore, score);
        }

        private void offer(Row row) {
            int found = Collections.binarySearch(rows, row, HIGHEST_FIRST);
            int at = found >= 0 ? found : -found - 1;
            if (at < top) {
                rows.add(at, row);
                if (rows.size() > top) {
                    rows.remove(rows.size() - 1);
                }
            }
        }

        @Override
        public void merge(AggregateState other) {
            State that = Partials.sameKind(State.class, other);
            scored += that.scored;
            aboveThreshold += that.aboveThreshold;
            maxScore = Math.max(maxScore, that.maxScore);
            for (Row row : that.rows) {
                offer(row);
            }
        }

        @Override
        public Object partial() {
            int size = 2 + 8 + 8 + 8 + 4;
            for (Row row : rows) {
                size += 8 + 8 + 2 + row.position().sequenceNumber().length() + 8 + 4 + 8 * row.values().length
                        + (explain ? 16 * row.values().length : 0);
            }
            ByteBuffer out = ByteBuffer.allocate(size).put(FORMAT).put(VERSION)
                    .putLong(scored).putLong(aboveThreshold).putDouble(maxScore).putInt(rows.size());
            for (Row row : rows) {
                byte[] sequence = row.position().sequenceNumber().getBytes(StandardCharsets.US_ASCII);
                out.putDouble(row.score()).putLong(row.eventTime()).putShort((short) sequence.length).put(sequence)
                        .putLong(row.position().subSequenceNumber()).putInt(row.values().length);
                for (int i = 0; i < row.values().length; i++) {
                    out.putDouble(row.values()[i]);
                    if (explain) {
                        out.putDouble(row.high()[i]).putDouble(row.low()[i]);
                    }
                }
            }
            return out.array();
        }

        void read(ByteBuffer in) {
            Partials.readSummaryHeader(in, FORMAT, VERSION);
            scored = in.getLong();
            aboveThreshold = in.getLong();
            maxScore = in.getDouble();
            int n = in.getInt();
            for (int r = 0; r < n; r++) {
                double score = in.getDouble();
                long eventTime = in.getLong();
                byte[] sequence = new byte[in.getShort()];
                in.get(sequence);
                RecordPosition position = new RecordPosition(new String(sequence, StandardCharsets.US_ASCII),
                        in.getLong());
                int dims = in.getInt();
                double[] values = new double[dims];
                double[] high = explain ? new double[dims] : null;
                double[] low = explain ? new double[dims] : null;
                for (int i = 0; i < dims; i++) {
                    values[i] = in.getDouble();
                    if (explain) {
                        high[i] = in.getDouble();
                        low[i] = in.getDouble();
                    }
                }
                offer(new Row(score, eventTime, position, values, high, low));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes too many");
            }
        }

        @Override
        public Object result() {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("scored", scored);
            result.put("max_score", scored == 0 ? null : maxScore);
            result.put("above_threshold", aboveThreshold);
            List<Map<String, Object>> topRows = new ArrayList<>();
            for (Row row : rows) {
                Map<String, Object> shown = new LinkedHashMap<>();
                shown.put("score", row.score());
                shown.put("event_time", Instant.ofEpochMilli(row.eventTime()).toString());
                shown.put("position", row.position().toString());
                Map<String, Object> values = new LinkedHashMap<>();
                Map<String, Object> attribution = new LinkedHashMap<>();
                for (int i = 0; i < row.values().length; i++) {
                    String field = i < fields.size() ? fields.get(i) : "field" + i;
                    values.put(field, row.values()[i]);
                    if (explain) {
                        // As KDA's directional explanation: the field's share of the score and its side.
                        Map<String, Object> explained = new LinkedHashMap<>();
                        explained.put("strength", row.high()[i] + row.low()[i]);
                        explained.put("direction", row.high()[i] >= row.low()[i] ? "HIGH" : "LOW");
                        attribution.put(field, explained);
                    }
                }
                shown.put("values", values);
                if (explain) {
                    shown.put("attribution", attribution);
                }
                topRows.add(shown);
            }
            result.put("top", topRows);
            return result;
        }
    }
}
