package io.rtpipe.cli;

import io.rtpipe.core.aggregate.TopKRow;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.result.NumberText;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Prints merged results as a plain table: one row per window and group key, a column per key field and per
 * aggregate, every column as wide as its widest cell. Numbers keep their digits (thousands separators, never an
 * exponent) and are right-aligned; top-K lists read {@code u6 (2), u9 (1)}. A map-valued aggregate (random_cut_forest's
 * summary, hotspots) reads {@code scored 240, max_score 3.52, top: 10 rows below}: its lists of records follow the
 * table, each as a table of its own under the window, key and aggregate it belongs to.
 */
public final class ResultsTable {

    private static final String INDENT = "  ";
    private static final String GAP = "  ";

    private ResultsTable() {
    }

    public static void print(PrintWriter out, String metric, List<MergedResult> results) {
        print(out, metric, results, null);
    }

    /**
     * As {@link #print(PrintWriter, String, List)}, with a {@code status} column after the window's end:
     * {@code final} where {@code isFinal} holds, else {@code partial}.
     */
    public static void print(PrintWriter out, String metric, List<MergedResult> results,
                             Predicate<MergedResult> isFinal) {
        out.println(metric + ": " + results.size() + " window result(s), merged over shards");
        if (results.isEmpty()) {
            return;
        }
        Set<String> keyFields = new LinkedHashSet<>();
        Set<String> aggregates = new LinkedHashSet<>();
        results.forEach(r -> {
            keyFields.addAll(r.key().keySet());
            aggregates.addAll(r.values().keySet());
        });
        List<String> header = new ArrayList<>(List.of("window start", "window end"));
        if (isFinal != null) {
            header.add("status");
        }
        header.addAll(keyFields);
        header.addAll(aggregates);
        List<List<String>> rows = new ArrayList<>();
        List<Boolean> numeric = new ArrayList<>();
        header.forEach(h -> numeric.add(Boolean.FALSE));
        for (MergedResult r : results) {
            List<String> row = new ArrayList<>(List.of(r.windowStart().toString(), r.windowEnd().toString()));
            if (isFinal != null) {
                row.add(isFinal.test(r) ? "final" : "partial");
            }
            keyFields.forEach(field -> row.add(r.key().getOrDefault(field, "")));
            int column = row.size();
            for (String name : aggregates) {
                Object value = r.values().get(name);
                if (value instanceof Number) {
                    numeric.set(column, Boolean.TRUE);
                }
                row.add(value == null ? "" : cell(value));
                column++;
            }
            rows.add(row);
        }
        int[] widths = new int[header.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = header.get(c).length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        out.println(line(header, widths, numeric));
        rows.forEach(row -> out.println(line(row, widths, numeric)));
        for (MergedResult r : results) {
            String key = r.key().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(" "));
            for (String name : aggregates) {
                if (r.values().get(name) instanceof Map<?, ?> map) {
                    map.forEach((entry, value) -> {
                        if (isRecordList(value) && !((List<?>) value).isEmpty()) {
                            out.println(INDENT + r.windowStart() + (key.isEmpty() ? "" : " " + key) + " " + name
                                    + "." + entry + ":");
                            records(out, (List<?>) value);
                        }
                    });
                }
            }
        }
    }

    /** A list of records (maps) as a table, one row per record, a column per field, indented under its heading. */
    private static void records(PrintWriter out, List<?> list) {
        Set<String> columns = new LinkedHashSet<>();
        list.forEach(item -> ((Map<?, ?>) item).keySet().forEach(k -> columns.add(String.valueOf(k))));
        List<String> header = new ArrayList<>(columns);
        List<Boolean> numeric = new ArrayList<>();
        header.forEach(h -> numeric.add(list.stream().allMatch(item -> ((Map<?, ?>) item).get(h) instanceof Number)));
        List<List<String>> rows = new ArrayList<>();
        for (Object item : list) {
            List<String> row = new ArrayList<>();
            header.forEach(h -> {
                Object value = ((Map<?, ?>) item).get(h);
                row.add(value == null ? "" : cell(value));
            });
            rows.add(row);
        }
        int[] widths = new int[header.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = header.get(c).length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        out.println(INDENT + line(header, widths, numeric));
        rows.forEach(row -> out.println(INDENT + line(row, widths, numeric)));
    }

    private static boolean isRecordList(Object value) {
        return value instanceof List<?> list && list.stream().allMatch(Map.class::isInstance);
    }

    private static String line(List<String> cells, int[] widths, List<Boolean> numeric) {
        StringBuilder line = new StringBuilder(INDENT);
        for (int c = 0; c < cells.size(); c++) {
            boolean last = c == cells.size() - 1;
            String cell = cells.get(c);
            String padding = " ".repeat(widths[c] - cell.length());
            if (numeric.get(c)) {
                line.append(padding).append(cell);
            } else {
                line.append(cell).append(last ? "" : padding);
            }
            if (!last) {
                line.append(GAP);
            }
        }
        return line.toString().stripTrailing();
    }

    /** One value as a table cell. */
    static String cell(Object value) {
        if (value instanceof Long || value instanceof Integer) {
            return String.format("%,d", ((Number) value).longValue());
        }
        if (value instanceof Double d) {
            return grouped(NumberText.plain(d));
        }
        if (value instanceof List<?> list && list.stream().allMatch(TopKRow.class::isInstance)) {
            return list.stream().map(TopKRow.class::cast)
                    .map(row -> row.value() + " (" + String.format("%,d", row.count()) + ")")
                    .collect(Collectors.joining(", "));
        }
        if (value instanceof Map<?, ?> map) {
            // Records are listed after the table; here only how many, so the row stays one line.
            return map.entrySet().stream().map(e -> e.getKey() + (isRecordList(e.getValue())
                            ? ": " + ((List<?>) e.getValue()).size() + " row(s)" + (((List<?>) e.getValue()).isEmpty()
                            ? "" : " below") : " " + (e.getValue() == null ? "-" : cell(e.getValue()))))
                    .collect(Collectors.joining(", "));
        }
        if (value instanceof List<?> list) {
            return list.stream().map(item -> item == null ? "-" : cell(item))
                    .collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(value);
    }

    /** Thousands separators in the integer part of a plain decimal: 1234567.5 becomes 1,234,567.5. */
    private static String grouped(String plain) {
        int dot = plain.indexOf('.');
        int intEnd = dot < 0 ? plain.length() : dot;
        int intStart = plain.startsWith("-") ? 1 : 0;
        if (intEnd - intStart <= 3) {
            return plain;
        }
        StringBuilder digits = new StringBuilder();
        String integer = plain.substring(intStart, intEnd);
        for (int i = 0; i < integer.length(); i++) {
            if (i > 0 && (integer.length() - i) % 3 == 0) {
                digits.append(',');
            }
            digits.append(integer.charAt(i));
        }
        return plain.substring(0, intStart) + digits + plain.substring(intEnd);
    }
}
