package io.rtpipe.core.publish;

import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.result.MergedResultJson;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * One final row as the outputs send it: a deterministic id and a JSON body. The one owner of the id format,
 * {@code <metric>/<window start>/<key hash>/final}, e.g.
 * {@code orders_per_minute/2026-11-26T05:00:00Z/9f86d081884c7d65/final}: the window start is the ISO-8601 instant,
 * the key hash the first 16 hex digits of SHA-256 over the group key (each field and value length-prefixed, in
 * group-by order). Publishing the same window again gives the same id and the same bytes, so a consumer drops a
 * replay by id. The last segment names the revision: only final rows are published, so it is always {@code final}.
 * <p>
 * The body is {@link MergedResultJson}'s line led by the id:
 * {@code {"id":"...","metric":"...","window_start":"...","window_end":"...","final":true,"key":{...},"values":{...}}}.
 */
public record OutputRecord(String id, String json) {
    /** The revision segment of every published id: rows are published once final. */
    public static final String FINAL = "final";

    public OutputRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(json, "json");
    }

    /** The record of one final row. */
    public static OutputRecord of(MergedResult row) {
        String id = id(row);
        return new OutputRecord(id, MergedResultJson.toJsonLine(id, row, true));
    }

    /** The id of one final row (see the class comment). */
    public static String id(MergedResult row) {
        return row.metric() + "/" + row.windowStart() + "/" + keyHash(row.key()) + "/" + FINAL;
    }

    /** 16 hex digits of SHA-256 over the key, each field and value written as {@code length:text}. */
    public static String keyHash(Map<String, String> key) {
        StringBuilder canonical = new StringBuilder();
        key.forEach((field, value) -> canonical.append(field.length()).append(':').append(field)
                .append(value.length()).append(':').append(value));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
