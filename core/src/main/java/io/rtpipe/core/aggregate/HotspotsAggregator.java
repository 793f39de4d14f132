package io.rtpipe.core.aggregate;

import io.rtpipe.core.record.RecordPosition;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dense regions of the points of one window and key (KDA's HOTSPOTS, over a window's points instead of the last
 * records): the partial holds the points themselves, at most {@code max_points} of them (the earliest by event time,
 * ties by their values), with the count of every point seen. Merging shards is the union of their points cut to the
 * same earliest {@code max_points}, so a window within the cap merges exactly, and in any order alike. The result
 * clusters the points, sorted, by density (DBSCAN): a point with at least {@code min_points} points (itself
 * included) within {@code scan_radius} (Euclidean) is a core; cores within the radius of each other join, and a
 * point within the radius of a core joins the first such cluster. Each cluster of at least {@code min_points} points
 * is a hotspot: its bounding box, its count and its density (its share of the window's points clustered). See
 * docs/metrics.md.
 */
final class HotspotsAggregator implements Aggregator {
    static final long DEFAULT_MIN_POINTS = 2;
    /** KDA's largest windowSize: the points one HOTSPOTS call considered. */
    static final long DEFAULT_MAX_POINTS = 1_000;
    /** Clustering is quadratic in the points, and 10,000 points of 2 fields are a 240 KB partial. */
    static final long MAX_MAX_POINTS = 10_000;

    private static final byte FORMAT = 'H';
    private static final byte VERSION = 1;
    /** The order points are kept and clustered in: event time, then values, so any merge order gives one set. */
    private static final Comparator<Point> EARLIEST_FIRST = Comparator.comparingLong(Point::eventTime)
            .thenComparing(Point::values, Arrays::compare);

    private final List<String> fields;
    private final double scanRadius;
    private final int minPoints;
    private final int maxPoints;

    HotspotsAggregator(List<String> fields, double scanRadius, int minPoints, int maxPoints) {
        this.fields = List.copyOf(fields);
        this.scanRadius = scanRadius;
        this.minPoints = minPoints;
        this.maxPoints = maxPoints;
    }

    static Aggregator create(AggregatorParams params) {
        if (params.fields().isEmpty()) {
            throw params.invalid("fields", "a list of numeric fields");
        }
        double radius = params.number("scan_radius", Double.NaN);
        if (!(radius > 0) || Double.isInfinite(radius)) {
            throw params.invalid("scan_radius", "a number above 0: the distance within which points are neighbours");
        }
        long minPoints = params.integer("min_points", DEFAULT_MIN_POINTS);
        if (minPoints < 2 || minPoints > MAX_MAX_POINTS) {
            throw params.invalid("min_points", "a whole number from 2 to " + MAX_MAX_POINTS);
        }
        long maxPoints = params.integer("max_points", DEFAULT_MAX_POINTS);
        if (maxPoints < minPoints || maxPoints > MAX_MAX_POINTS) {
            throw params.invalid("max_points", "a whole number from min_points (" + minPoints + ") to "
                    + MAX_MAX_POINTS);
        }
        return new HotspotsAggregator(params.fields(), radius, (int) minPoints, (int) maxPoints);
    }

    @Override
    public String fn() {
        return "hotspots";
    }

    @Override
    public ValueInput input() {
        return ValueInput.VECTOR;
    }

    /** A kept point: its array (16 + 8 per field), the record holding it (32) and the list's reference (8). */
    @Override
    public StateSize stateSize(int valueBytes) {
        long perPoint = 56L + 8L * fields.size();
        return new StateSize(64, perPoint, 64 + maxPoints * perPoint);
    }

    @Override
    public Set<String> sizeParameters() {
        return Set.of("max_points");
    }

    @Override
    public AggregateState newState() {
        return new State();
    }

    @Override
    public AggregateState fromPartial(Object partial) {
        State state = new State();
        if (partial == null) {
            return state;
        }
        try {
            state.read(ByteBuffer.wrap(Partials.asBytes(fn(), partial)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a partial of hotspots: " + e.getMessage(), e);
        }
        return state;
    }

    private record Point(long eventTime, double[] values) {
    }

    private final class State implements AggregateState {
        /** Every point handed to this state or the states merged into it, kept or not. */
        private long seen;
        /** The earliest points, at most {@code maxPoints}; sorted only when read ({@link #kept}). */
        private final ArrayList<Point> points = new ArrayList<>();
        private boolean sorted = true;

        @Override
        public void addLong(long value, long eventTime, RecordPosition position) {
            throw new UnsupportedOperationException("hotspots takes a list of fields");
        }

        @Override
        public void addDouble(double value, long eventTime, RecordPosition position) {
            throw new UnsupportedOperationException("hotspots takes a list of fields");
        }

        @Override
        public void addVector(double[] values, long eventTime, RecordPosition position) {
            seen++;
            offer(new Point(eventTime, values.clone()));
        }

        private void offer(Point point) {
            points.add(point);
            sorted = false;
            if (points.size() > 2 * maxPoints) {
                kept(); // amortized: trim to the cap once it doubled
            }
        }

        /** The kept points in order, cut to the cap. */
        private List<Point> kept() {
            if (!sorted) {
                points.sort(EARLIEST_FIRST);
                sorted = true;
            }
            while (points.size() > maxPoints) {
                points.remove(points.size() - 1);
            }
            return points;
        }

        @Override
        public void merge(AggregateState other) {
            State that = Partials.sameKind(State.class, other);
            seen += that.seen;
            for (Point point : that.points) {
                offer(point);
            }
        }

        @Override
        public Object partial() {
            List<Point> kept = kept();
            int size = 2 + 8 + 4 + 4;
            for (Point point : kept) {
                size += 8 + 8 * point.values().length;
            }
            ByteBuffer out = ByteBuffer.allocate(size).put(FORMAT).put(VERSION).putLong(seen).putInt(kept.size())
                    .putInt(fields.size());
            for (Point point : kept) {
                out.putLong(point.eventTime());
                for (double value : point.values()) {
                    out.putDouble(value);
                }
            }
            return out.array();
        }

        void read(ByteBuffer in) {
            Partials.readSummaryHeader(in, FORMAT, VERSION);
            seen = in.getLong();
            int n = in.getInt();
            int dimensions = in.getInt();
            if (dimensions != fields.size()) {
                throw new IllegalArgumentException(dimensions + " fields per point, the spec has " + fields.size());
            }
            for (int p = 0; p < n; p++) {
                long eventTime = in.getLong();
                double[] values = new double[dimensions];
                for (int i = 0; i < dimensions; i++) {
                    values[i] = in.getDouble();
                }
                offer(new Point(eventTime, values));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes too many");
            }
        }

        @Override
        public Object result() {
            List<Point> kept = kept();
            List<List<Integer>> clusters = clusters(kept);
            List<Map<String, Object>> hotspots = new ArrayList<>();
            for (List<Integer> cluster : clusters) {
                if (cluster.size() < minPoints) {
                    continue;
                }
                double[] min = kept.get(cluster.get(0)).values().clone();
                double[] max = min.clone();
                for (int member : cluster) {
                    double[] values = kept.get(member).values();
                    for (int i = 0; i < values.length; i++) {
                        min[i] = Math.min(min[i], values[i]);
                        max[i] = Math.max(max[i], values[i]);
                    }
                }
                Map<String, Object> hotspot = new LinkedHashMap<>();
                hotspot.put("min", toList(min));
                hotspot.put("max", toList(max));
                hotspot.put("count", (long) cluster.size());
                hotspot.put("density", (double) cluster.size() / kept.size());
                hotspots.add(hotspot);
            }
            // Largest first; equal counts by their box's lower corner, so the order is a function of the points.
            hotspots.sort(Comparator.comparingLong((Map<String, Object> h) -> -(Long) h.get("count"))
                    .thenComparing(h -> toArray(h.get("min")), Arrays::compare));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("fields", fields);
            result.put("points", seen);
            result.put("clustered", (long) kept.size());
            result.put("hotspots", hotspots);
            return result;
        }

        /** DBSCAN over the sorted points: the clusters, each its members' indexes, in the order they were found. */
        private List<List<Integer>> clusters(List<Point> kept) {
            int n = kept.size();
            List<List<Integer>> neighbours = new ArrayList<>(n);
            double radiusSquared = scanRadius * scanRadius;
            for (int a = 0; a < n; a++) {
                List<Integer> near = new ArrayList<>();
                for (int b = 0; b < n; b++) {
                    if (distanceSquared(kept.get(a).values(), kept.get(b).values()) <= radiusSquared) {
                        near.add(b);
                    }
                }
                neighbours.add(near);
            }
            int[] cluster = new int[n];
            Arrays.fill(cluster, -1);
            List<List<Integer>> clusters = new ArrayList<>();
            for (int start = 0; start < n; start++) {
                if (cluster[start] >= 0 || neighbours.get(start).size() < minPoints) {
                    continue;
                }
                List<Integer> members = new ArrayList<>();
                int id = clusters.size();
                clusters.add(members);
                ArrayList<Integer> queue = new ArrayList<>(List.of(start));
                cluster[start] = id;
                for (int q = 0; q < queue.size(); q++) {
                    int point = queue.get(q);
                    members.add(point);
                    if (neighbours.get(point).size() < minPoints) {
                        continue; // a border point: in the cluster, but it does not extend it
                    }
                    for (int near : neighbours.get(point)) {
                        if (cluster[near] < 0) {
                            cluster[near] = id;
                            queue.add(near);
                        }
                    }
                }
            }
            return clusters;
        }
    }

    private static double distanceSquared(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    private static List<Double> toList(double[] values) {
        List<Double> list = new ArrayList<>(values.length);
        for (double value : values) {
            list.add(value);
        }
        return list;
    }

    @SuppressWarnings("unchecked")
    private static double[] toArray(Object list) {
        return ((List<Double>) list).stream().mapToDouble(Double::doubleValue).toArray();
    }
}
