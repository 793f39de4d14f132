package io.rtpipe.core.engine;

import io.rtpipe.core.aggregate.AggregateState;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The one owner of the window-state snapshot format: a shard's open state at a checkpoint, which a restored engine
 * continues from instead of replaying the records behind it (docs/ENGINE.md "Checkpoints").
 * <p>
 * Format (big-endian, {@link DataOutputStream}): magic {@code RTPS}, version byte 1, metric count, then per metric its
 * name, its kind ({@code F} fixed windows, {@code S} sessions) and its block as a length-prefixed byte array, so a
 * metric the reading config lacks is skipped. Blocks are written by {@link FixedWindowState} and {@link SessionState}
 * with the primitives here: keys as their group-by values (a flag marks the overflow key), aggregate states as their
 * partials (Long, Double or byte[]; {@code Aggregator.fromPartial} restores an equal state), event-id sets sorted.
 * Every part is a function of the state alone (no hash order), so a replay that reaches the same checkpoint with
 * the same state writes identical bytes. A snapshot is named by its {@link #id}, a digest of its bytes: a checkpoint
 * position alone does not fix the state (an idle decision right after the record changes it), so a progress entry
 * names exactly the bytes written with it, and a damaged object is detected.
 */
final class StateSnapshot {
    private static final int MAGIC = 0x52545053; // "RTPS"
    private static final int VERSION = 1;
    static final byte FIXED = 'F';
    static final byte SESSIONS = 'S';
    private static final byte NULL = 0;
    private static final byte LONG = 1;
    private static final byte DOUBLE = 2;
    private static final byte BYTES = 3;
    private static final byte STRING = 4;

    private StateSnapshot() {
    }

    /** The snapshot's id: the first 16 hex digits of the SHA-256 of its bytes. */
    static String id(byte[] snapshot) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(snapshot), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    static byte[] write(MetricState[] metrics) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeByte(VERSION);
            out.writeInt(metrics.length);
            for (MetricState metric : metrics) {
                ByteArrayOutputStream block = new ByteArrayOutputStream();
                DataOutputStream blockOut = new DataOutputStream(block);
                metric.write(blockOut);
                blockOut.flush();
                writeString(out, metric.name);
                out.writeByte(metric.kind());
                out.writeInt(block.size());
                block.writeTo(out);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not throw
        }
    }

    /**
     * Restores each metric's open state from {@code snapshot}; metrics it lacks start empty, metrics the config lacks
     * are skipped.
     *
     * @throws IllegalArgumentException when the bytes are not a snapshot of this format, or do not fit the metrics
     */
    static void read(byte[] snapshot, MetricState[] metrics) {
        Map<String, MetricState> byName = new HashMap<>();
        for (MetricState metric : metrics) {
            byName.put(metric.name, metric);
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot));
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a window-state snapshot (wrong magic number)");
            }
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("window-state snapshot version " + version + " is not readable by "
                        + "this version (reads " + VERSION + ")");
            }
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String name = readString(in);
                byte kind = in.readByte();
                byte[] block = new byte[in.readInt()];
                in.readFully(block);
                MetricState metric = byName.get(name);
                if (metric == null) {
                    continue;
                }
                if (metric.kind() != kind) {
                    throw new IllegalArgumentException("metric " + name + " has " + (kind == SESSIONS ? "session"
                            : "fixed") + " windows in the snapshot but not in the spec");
                }
                DataInputStream blockIn = new DataInputStream(new ByteArrayInputStream(block));
                metric.read(blockIn);
                if (blockIn.available() != 0) {
                    throw new IllegalArgumentException("metric " + name + "'s block has " + blockIn.available()
                            + " bytes left over");
                }
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException(in.available() + " bytes left over after the last metric");
            }
        } catch (EOFException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("window-state snapshot is truncated or damaged", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    static String readString(DataInputStream in) throws IOException {
        byte[] utf8 = new byte[in.readInt()];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    static void writeKey(DataOutputStream out, MetricReader reader, Object key) throws IOException {
        String[] values = reader.keyValues(key);
        out.writeBoolean(values == null);
        if (values != null) {
            out.writeInt(values.length);
            for (String value : values) {
                writeString(out, value);
            }
        }
    }

    static Object readKey(DataInputStream in, MetricReader reader) throws IOException {
        if (in.readBoolean()) {
            return reader.keyOf(null);
        }
        String[] values = new String[in.readInt()];
        for (int i = 0; i < values.length; i++) {
            values[i] = readString(in);
        }
        return reader.keyOf(values);
    }

    /** Keys in a canonical order (by their values; the overflow key first), for sets without an order of their own. */
    static List<Object> sortedKeys(Collection<Object> keys, MetricReader reader) {
        List<Object> sorted = new ArrayList<>(keys);
        sorted.sort(Comparator.comparing(key -> reader.keyValues(key),
                Comparator.nullsFirst((String[] a, String[] b) -> Arrays.compare(a, b))));
        return sorted;
    }

    static void writeStates(DataOutputStream out, AggregateState[] states) throws IOException {
        out.writeInt(states.length);
        for (AggregateState state : states) {
            writeValue(out, state.partial());
        }
    }

    static AggregateState[] readStates(DataInputStream in, MetricReader reader) throws IOException {
        Object[] partials = new Object[in.readInt()];
        for (int a = 0; a < partials.length; a++) {
            partials[a] = readValue(in);
        }
        return reader.statesOf(partials);
    }

    /** An id set (null: none yet), Longs then Strings, each ascending. */
    static void writeIds(DataOutputStream out, HashSet<Object> ids) throws IOException {
        if (ids == null) {
            out.writeInt(-1);
            return;
        }
        List<Object> sorted = new ArrayList<>(ids);
        sorted.sort(Comparator.comparing((Object id) -> id instanceof String)
                .thenComparing((a, b) -> a instanceof Long left ? left.compareTo((Long) b)
                        : ((String) a).compareTo((String) b)));
        out.writeInt(sorted.size());
        for (Object id : sorted) {
            writeValue(out, id);
        }
    }

    static HashSet<Object> readIds(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0) {
            return null;
        }
        HashSet<Object> ids = new HashSet<>(Math.max(16, (int) (count / 0.75f) + 1));
        for (int i = 0; i < count; i++) {
            ids.add(readValue(in));
        }
        return ids;
    }

    private static void writeValue(DataOutputStream out, Object value) throws IOException {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof Long number) {
            out.writeByte(LONG);
            out.writeLong(number);
        } else if (value instanceof Double number) {
            out.writeByte(DOUBLE);
            out.writeDouble(number);
        } else if (value instanceof byte[] bytes) {
            out.writeByte(BYTES);
            out.writeInt(bytes.length);
            out.write(bytes);
        } else if (value instanceof String text) {
            out.writeByte(STRING);
            writeString(out, text);
        } else {
            throw new IllegalStateException("a partial of type " + value.getClass().getName()
                    + " has no snapshot form (partials are Long, Double or byte[])");
        }
    }

    private static Object readValue(DataInputStream in) throws IOException {
        byte tag = in.readByte();
        return switch (tag) {
            case NULL -> null;
            case LONG -> in.readLong();
            case DOUBLE -> in.readDouble();
            case BYTES -> {
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                yield bytes;
            }
            case STRING -> readString(in);
            default -> throw new IllegalArgumentException("unknown value tag " + tag + " in a window-state snapshot");
        };
    }
}
