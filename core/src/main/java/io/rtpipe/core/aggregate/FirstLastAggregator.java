package io.rtpipe.core.aggregate;

import io.rtpipe.core.record.RecordPosition;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The value of the earliest (first) or latest (last) event by event time. Ties are broken by record position
 * (sequence number, then sub-sequence number: shard order within a shard; across shards the order of the unique
 * sequence numbers), and for equal positions by the value itself (numbers before strings), so any split and merge
 * order gives the same answer. Partial: bytes (time, position, value; strings of any length); result: Long, Double
 * or String, or null.
 */
final class FirstLastAggregator implements Aggregator {
    private static final byte LONG = 0;
    private static final byte DOUBLE = 1;
    private static final byte STRING = 2;
    /**
     * How a string over writeUTF's 65,535 bytes is stored: an int length and its UTF-8 bytes. Only in partials: a
     * state holds every string as {@link #STRING}, so the two never order differently.
     */
    private static final byte LONG_STRING = 3;
    private static final int MAX_UTF = 65_535;

    private final boolean last;

    FirstLastAggregator(boolean last) {
        this.last = last;
    }

    @Override
    public String fn() {
        return last ? "last" : "first";
    }

    @Override
    public ValueInput input() {
        return ValueInput.ANY;
    }

    @Override
    public StateSize stateSize(int valueBytes) {
        // header, time, position (an object of two longs), the value; a string of valueBytes and its own header
        long kept = 56 + 32 + 40L + valueBytes;
        return new StateSize(56, kept - 56, kept);
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
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(
                Partials.asBytes(fn(), partial)))) {
            long time = in.readLong();
            RecordPosition position = new RecordPosition(in.readUTF(), in.readLong());
            byte kind = in.readByte();
            switch (kind) {
                case LONG -> state.offer(time, position, LONG, in.readLong(), 0, null);
                case DOUBLE -> state.offer(time, position, DOUBLE, 0, in.readDouble(), null);
                case STRING -> state.offer(time, position, STRING, 0, 0, in.readUTF());
                case LONG_STRING -> state.offer(time, position, STRING, 0, 0,
                        new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8));
                default -> throw new IOException("unknown value kind " + kind);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a partial of " + fn() + ": " + e.getMessage(), e);
        }
        return state;
    }

    private final class State implements AggregateState {
        private boolean seen;
        private long time;
        private RecordPosition position;
        private byte kind;
        private long longValue;
        private double doubleValue;
        private String stringValue;

        void offer(long t, RecordPosition p, byte k, long l, double d, String s) {
            if (seen) {
                int order = Long.compare(t, time);
                if (order == 0) {
                    order = p.compareTo(position);
                }
                if (order == 0) {
                    order = compareValues(k, l, d, s);
                }
                if (last ? order <= 0 : order >= 0) {
                    return;
                }
            }
            seen = true;
            time = t;
            position = p;
            kind = k;
            longValue = l;
            doubleValue = d;
            stringValue = s;
        }

        private int compareValues(byte k, long l, double d, String s) {
            if (k != kind) {
                return Byte.compare(k, kind);
            }
            return switch (k) {
                case LONG -> Long.compare(l, longValue);
                case DOUBLE -> Double.compare(d, doubleValue);
                default -> s.compareTo(stringValue);
            };
        }

        @Override
        public void addLong(long value, long eventTime, RecordPosition position) {
            offer(eventTime, position, LONG, value, 0, null);
        }

        @Override
        public void addDouble(double value, long eventTime, RecordPosition position) {
            offer(eventTime, position, DOUBLE, 0, value, null);
        }

        @Override
        public void addString(String value, long eventTime, RecordPosition position) {
            offer(eventTime, position, STRING, 0, 0, value);
        }

        @Override
        public void merge(AggregateState other) {
            State that = Partials.sameKind(State.class, other);
            if (that.seen) {
                offer(that.time, that.position, that.kind, that.longValue, that.doubleValue, that.stringValue);
            }
        }

        @Override
        public Object partial() {
            if (!seen) {
                return null;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeLong(time);
                out.writeUTF(position.sequenceNumber());
                out.writeLong(position.subSequenceNumber());
                switch (kind) {
                    case LONG -> {
                        out.writeByte(LONG);
                        out.writeLong(longValue);
                    }
                    case DOUBLE -> {
                        out.writeByte(DOUBLE);
                        out.writeDouble(doubleValue);
                    }
                    default -> writeString(out, stringValue);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e); // cannot happen: writing to memory
            }
            return bytes.toByteArray();
        }

        /**
         * Strings that surely fit writeUTF (at most 3 bytes per char) as earlier versions wrote every string, longer
         * ones as {@link #LONG_STRING}.
         */
        private static void writeString(DataOutputStream out, String value) throws IOException {
            if (value.length() <= MAX_UTF / 3) {
                out.writeByte(STRING);
                out.writeUTF(value);
            } else {
                byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
                out.writeByte(LONG_STRING);
                out.writeInt(utf8.length);
                out.write(utf8);
            }
        }

        @Override
        public Object result() {
            if (!seen) {
                return null;
            }
            return switch (kind) {
                case LONG -> longValue;
                case DOUBLE -> doubleValue;
                default -> stringValue;
            };
        }
    }
}
