package io.rtpipe.reliability.fault;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Bad input for scenario 5, and a few records that look bad but are valid events: broken JSON, wrong types, missing
 * fields, huge records, invalid UTF-8, deep nesting, numbers out of range. Each entry says whether it must be
 * dead-lettered and what its reason must mention (the rules of docs/ENGINE.md: reasons name the field, or say the
 * record is not valid JSON / not a JSON object).
 */
public final class MalformedCorpus {

    /**
     * @param reason a fragment the dead-letter reason must contain; null for a valid event (counted, not dead-lettered)
     */
    public record Entry(String name, byte[] data, String reason) {
        public boolean valid() {
            return reason == null;
        }
    }

    private static final String NOT_JSON = "not valid JSON";
    private static final String NOT_OBJECT = "not a JSON object";
    private static final int HUGE = 1_000_000; // below Kinesis's 1 MiB per record including the partition key

    private MalformedCorpus() {
    }

    /**
     * Every entry, stamped with event time {@code ts} where it has one (so valid ones are not late).
     *
     * @param huge include the two records of about 1 MB (they take the emulator seconds each)
     */
    public static List<Entry> entries(long ts, boolean huge) {
        List<Entry> e = new ArrayList<>();
        e.add(text("truncated object", "{\"ts\":" + ts + ",\"type\":\"click\"", NOT_JSON));
        e.add(text("content after the object", "{\"ts\":" + ts + ",\"type\":\"click\"} {}", NOT_JSON));
        e.add(text("not JSON at all", "ts=" + ts + " type=click", NOT_JSON));
        e.add(text("whitespace only", "   ", NOT_JSON));
        e.add(text("raw control character in a string", "{\"ts\":" + ts + ",\"type\":\"cl\u0001ick\"}", NOT_JSON));
        e.add(text("array", "[{\"ts\":" + ts + ",\"type\":\"click\"}]", NOT_OBJECT));
        e.add(text("string", "\"click\"", NOT_OBJECT));
        e.add(text("ts missing", "{\"type\":\"click\"}", "ts"));
        e.add(text("ts as a string", "{\"ts\":\"" + ts + "\",\"type\":\"click\"}", "ts"));
        e.add(text("ts as a float", "{\"ts\":" + ts + ".5,\"type\":\"click\"}", "ts"));
        e.add(text("ts null", "{\"ts\":null,\"type\":\"click\"}", "ts"));
        e.add(text("ts 1e400", "{\"ts\":1e400,\"type\":\"click\"}", "ts"));
        e.add(text("ts beyond a long", "{\"ts\":99999999999999999999999,\"type\":\"click\"}", "ts"));
        e.add(text("ts after year 9999", "{\"ts\":253402300800000,\"type\":\"click\"}", "ts"));
        e.add(text("ts before year 0001", "{\"ts\":-62135596800001,\"type\":\"click\"}", "ts"));
        e.add(text("type missing", "{\"ts\":" + ts + "}", "type"));
        e.add(text("type as a number", "{\"ts\":" + ts + ",\"type\":5}", "type"));
        e.add(text("type as an object", "{\"ts\":" + ts + ",\"type\":{\"name\":\"click\"}}", "type"));
        e.add(text("duplicate type, last one a number", "{\"ts\":" + ts + ",\"type\":\"click\",\"type\":7}", "type"));
        e.add(bytes("invalid UTF-8 in type", concat("{\"ts\":" + ts + ",\"type\":\"cl", new byte[] {(byte) 0xC3, 0x28},
                "ck\"}"), NOT_JSON));
        e.add(bytes("invalid UTF-8 in another field", concat("{\"ts\":" + ts + ",\"type\":\"click\",\"note\":\"",
                new byte[] {(byte) 0xFF, (byte) 0xFE}, "\"}"), NOT_JSON));
        e.add(text("nested 5,000 levels in a field", "{\"ts\":" + ts + ",\"type\":\"click\",\"deep\":"
                + "[".repeat(5_000) + "]".repeat(5_000) + "}", NOT_JSON));
        e.add(text("nested 5,000 levels", "[".repeat(5_000) + "]".repeat(5_000), NOT_OBJECT));
        if (huge) {
            e.add(text("huge broken record", "{\"ts\":" + ts + ",\"type\":\"click\",\"pad\":\"" + "x".repeat(HUGE),
                    NOT_JSON));
            e.add(text("huge valid record", "{\"ts\":" + ts + ",\"type\":\"huge\",\"pad\":\"" + "x".repeat(HUGE)
                    + "\"}", null));
        }
        // Valid events that a careless parser would reject: they must be counted, not dead-lettered.
        e.add(text("1e400 in a field no metric reads", "{\"ts\":" + ts + ",\"type\":\"odd\",\"amount\":1e400}", null));
        e.add(text("nested 50 levels in a field", "{\"ts\":" + ts + ",\"type\":\"odd\",\"deep\":"
                + "[".repeat(50) + "]".repeat(50) + "}", null));
        e.add(text("unicode type", "{\"ts\":" + ts + ",\"type\":\"caf\u00e9 \u2615\"}", null));
        return e;
    }

    /**
     * The hostile corpus (the hostile-corpus scenario): {@link #entries(long, boolean) every entry} without the
     * huge ones, plus the bad lines a real feed has (epoch seconds for millis, year 9999, an object nested 5,000
     * levels) and good events of the built-in metric's shape with ids of their own: one with a 1,100-character type
     * (over DynamoDB's 1,024-byte sort key), and copies of two of them (a retried put), which count once.
     *
     * @param arrivalMillis about when Kinesis receives the records: epoch seconds near it are taken for millis
     * @param idPrefix      unique per round, so that only the copies repeat an event id
     */
    public static List<Entry> hostile(long ts, long arrivalMillis, String idPrefix) {
        List<Entry> e = new ArrayList<>(entries(ts, false));
        e.add(text("ts in epoch seconds", event(idPrefix + "-s", arrivalMillis / 1000, "click"), "ts"));
        e.add(text("ts in year 9999, over 1 h ahead", event(idPrefix + "-y", 253402300799000L, "click"), "ts"));
        e.add(text("object nested 5,000 levels in a field", "{\"ts\":" + ts + ",\"type\":\"click\",\"deep\":"
                + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000) + "}", NOT_JSON));
        Entry view = text("good event", event(idPrefix + "-g", ts, "view"), null);
        Entry longType = text("1,100-character type", event(idPrefix + "-t", ts, "t".repeat(1_100)), null);
        e.add(view);
        e.add(longType);
        e.add(bytes("copy of the good event", view.data(), null));
        e.add(bytes("copy of the 1,100-character type", longType.data(), null));
        return e;
    }

    private static String event(String id, long ts, String type) {
        return "{\"event_id\":\"" + id + "\",\"ts\":" + ts + ",\"type\":\"" + type + "\"}";
    }

    private static Entry text(String name, String json, String reason) {
        return new Entry(name, json.getBytes(StandardCharsets.UTF_8), reason);
    }

    private static Entry bytes(String name, byte[] data, String reason) {
        return new Entry(name, data, reason);
    }

    private static byte[] concat(String head, byte[] middle, String tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(tail.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
