package io.rtpipe.core.reference;

import io.rtpipe.core.event.DecoderSpec;
import io.rtpipe.core.event.EventDecoder;
import io.rtpipe.core.event.EventFields;
import io.rtpipe.core.event.FieldSelection;
import io.rtpipe.core.event.SchemaRegistry;
import io.rtpipe.core.filter.EventFilter;
import io.rtpipe.core.metric.FieldPath;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One version of a reference table: its rows by key. Immutable; a reload builds a new one. Rows are read with the
 * event decoders, so a CSV cell is typed as a CSV event's value is (integer, decimal, boolean or string, its text
 * kept so group-by takes it as written) and a JSON line's values are JSON's.
 *
 * @param name    the reference's name
 * @param version what identifies these rows at their source (S3 version id or ETag, or a SHA-256 prefix): recorded in
 *                the shard's progress, so a restart replays with the rows its windows used
 * @param rows    key text to row
 */
public record ReferenceTable(String name, String version, Map<String, Row> rows) {
    private static final Pattern COLUMN = Pattern.compile("[^.\\s\"]+");

    /**
     * One row: its columns' CEL-ready values ({@code EventFilter}'s types) and, for text sources, the text each
     * was read from.
     */
    public record Row(Map<String, Object> values, Map<String, String> texts) {
        public Row {
            values = Map.copyOf(values);
            texts = Map.copyOf(texts);
        }
    }

    public ReferenceTable {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        rows = Map.copyOf(rows);
    }

    /** The row whose key is {@code key}, or null. */
    public Row row(String key) {
        return rows.get(key);
    }

    /**
     * Reads an S3 object's or file's bytes in the spec's text format (CSV or JSON lines; Parquet's reader is in
     * connectors and hands its rows to {@link #ofRows}).
     *
     * @throws ReferenceException when the content is over {@link ReferenceSpec#MAX_BYTES} or
     *                            {@link ReferenceSpec#MAX_ROWS}, malformed, or a key is missing or repeated
     */
    public static ReferenceTable parse(ReferenceSpec spec, String version, byte[] content) {
        if (content.length > ReferenceSpec.MAX_BYTES) {
            throw tooLarge(spec, content.length);
        }
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\r?\n", -1);
        return switch (spec.format()) {
            case CSV -> csv(spec, version, lines);
            case JSON_LINES -> jsonLines(spec, version, lines);
            case PARQUET -> throw new IllegalArgumentException("reference " + spec.name()
                    + ": Parquet is not text, connectors' ParquetRows reads it");
        };
    }

    /**
     * Rows given as CEL-ready column values, read from a source at {@code version} (a Parquet object's rows, in file
     * order, named {@code row 1} and on in errors).
     *
     * @throws ReferenceException when there are too many, or a key is missing or repeated
     */
    public static ReferenceTable ofRows(ReferenceSpec spec, String version, List<Map<String, Object>> values) {
        return new ReferenceTable(spec.name(), version, collect(spec, "row ", values).rows);
    }

    /**
     * Rows given as CEL-ready column values (a DynamoDB scan), versioned by a digest of their content.
     *
     * @throws ReferenceException when there are too many, or a key is missing or repeated
     */
    public static ReferenceTable ofItems(ReferenceSpec spec, List<Map<String, Object>> items) {
        Rows rows = collect(spec, "item ", items);
        // Sorted by key, so the same rows in another scan order give the same version.
        StringBuilder canonical = new StringBuilder();
        new TreeMap<>(rows.rows).forEach((key, row) -> canonical.append(key).append('\u0000')
                .append(new TreeMap<>(row.values())).append('\n'));
        return new ReferenceTable(spec.name(), digest(canonical.toString().getBytes(StandardCharsets.UTF_8)),
                rows.rows);
    }

    /** {@code sha256:} and the first 16 hex digits of the SHA-256 of {@code bytes}: the version of a source without its own. */
    public static String digest(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static Rows collect(ReferenceSpec spec, String noun, List<Map<String, Object>> values) {
        Rows rows = new Rows(spec);
        for (int i = 0; i < values.size(); i++) {
            rows.add(noun + (i + 1), values.get(i), Map.of());
        }
        return rows;
    }

    /** The refusal of an object or file of {@code bytes} over {@link ReferenceSpec#MAX_BYTES}, for every source. */
    public static ReferenceException tooLarge(ReferenceSpec spec, long bytes) {
        return new ReferenceException(spec, "holds " + bytes + " bytes, more than the " + ReferenceSpec.MAX_BYTES
                + " (64 MiB) a reference table may have");
    }

    private static ReferenceTable csv(ReferenceSpec spec, String version, String[] lines) {
        List<String> header = new ArrayList<>();
        for (String cell : lines[0].split(",", -1)) {
            String column = cell.strip();
            if (column.length() >= 2 && column.startsWith("\"") && column.endsWith("\"")) {
                column = column.substring(1, column.length() - 1);
            }
            if (!COLUMN.matcher(column).matches() || header.contains(column)) {
                throw new ReferenceException(spec, "line 1 must be a header of distinct column names without dots, "
                        + "quotes or spaces, found \"" + lines[0] + "\"");
            }
            header.add(column);
        }
        if (!header.contains(spec.key())) {
            throw new ReferenceException(spec, "the header has no key column " + spec.key() + " (it has "
                    + String.join(", ", header) + ")");
        }
        FieldSelection.Builder selection = new FieldSelection.Builder();
        header.forEach(column -> selection.path(FieldPath.parse(column)));
        FieldSelection selected = selection.build();
        EventDecoder decoder = new DecoderSpec.Csv(header, ',').create(selected, SchemaRegistry.NONE);
        EventFields fields = new EventFields(selected);
        Rows rows = new Rows(spec);
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty()) {
                continue;
            }
            String problem = decoder.decode(lines[i].getBytes(StandardCharsets.UTF_8), fields);
            if (problem != null) {
                throw new ReferenceException(spec, "line " + (i + 1) + " is " + problem);
            }
            Map<String, Object> values = new LinkedHashMap<>();
            Map<String, String> texts = new HashMap<>();
            for (int slot = 0; slot < header.size(); slot++) {
                Object value = value(fields, slot);
                if (value != null) {
                    values.put(header.get(slot), value);
                    texts.put(header.get(slot), fields.text(slot));
                }
            }
            rows.add("line " + (i + 1), values, texts);
        }
        return new ReferenceTable(spec.name(), version, rows.rows);
    }

    private static ReferenceTable jsonLines(ReferenceSpec spec, String version, String[] lines) {
        FieldSelection selected = new FieldSelection.Builder().wholeEvent().build();
        EventDecoder decoder = DecoderSpec.json().create(selected, SchemaRegistry.NONE);
        EventFields fields = new EventFields(selected);
        Rows rows = new Rows(spec);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String problem = decoder.decode(lines[i].getBytes(StandardCharsets.UTF_8), fields);
            if (problem != null) {
                throw new ReferenceException(spec, "line " + (i + 1) + " is " + problem);
            }
            rows.add("line " + (i + 1), fields.wholeEvent(), Map.of());
        }
        return new ReferenceTable(spec.name(), version, rows.rows);
    }

    /** A scalar slot's CEL-ready value; null if missing. */
    private static Object value(EventFields fields, int slot) {
        return switch (fields.kind(slot)) {
            case STRING -> fields.text(slot);
            case INTEGER -> fields.longValue(slot);
            case INTEGER_TOO_LARGE -> new BigInteger(fields.text(slot));
            case DECIMAL -> fields.doubleValue(slot);
            case BOOLEAN -> fields.longValue(slot) == 1;
            case NULL -> EventFilter.JSON_NULL;
            default -> null;
        };
    }

    /** Collects rows under their keys, refusing a missing, unusable or repeated key and too many rows. */
    private static final class Rows {
        private final ReferenceSpec spec;
        private final Map<String, Row> rows = new HashMap<>();
        private final Map<String, String> firstAt = new HashMap<>();

        Rows(ReferenceSpec spec) {
            this.spec = spec;
        }

        void add(String where, Map<String, Object> values, Map<String, String> texts) {
            Object key = values.get(spec.key());
            String text = key instanceof String s ? s : key instanceof Long l ? l.toString() : null;
            if (text == null) {
                throw new ReferenceException(spec, where + " has no key " + spec.key() + " (a string or integer)");
            }
            String first = firstAt.putIfAbsent(text, where);
            if (first != null) {
                throw new ReferenceException(spec, where + " repeats the key \"" + text + "\" of " + first);
            }
            if (rows.size() == ReferenceSpec.MAX_ROWS) {
                throw new ReferenceException(spec, "has more than the " + ReferenceSpec.MAX_ROWS
                        + " rows a reference table may have");
            }
            rows.put(text, new Row(values, texts));
        }
    }
}
