package io.rtpipe.cli;

import io.rtpipe.core.result.MergedResult;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints merged results as a plain table: one row per window and group key, one column per aggregate. */
public final class ResultsTable {

    private ResultsTable() {
    }

    public static void print(PrintWriter out, String metric, List<MergedResult> results) {
        out.println(metric + ": " + results.size() + " window result(s), merged over shards");
        if (results.isEmpty()) {
            return;
        }
        List<String> aggregates = List.copyOf(results.get(0).values().keySet());
        StringBuilder header = new StringBuilder(String.format("  %-24s  %-24s  %-28s", "window start", "window end", "key"));
        aggregates.forEach(name -> header.append(String.format("  %14s", name)));
        out.println(header);
        for (MergedResult r : results) {
            StringBuilder row = new StringBuilder(String.format("  %-24s  %-24s  %-28s", r.windowStart(), r.windowEnd(),
                    key(r.key())));
            aggregates.forEach(name -> row.append(String.format("  %14s", value(r.values().get(name)))));
            out.println(row);
        }
    }

    private static String key(Map<String, String> key) {
        return key.isEmpty() ? "(all)" : key.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    private static String value(Object value) {
        if (value instanceof Long || value instanceof Integer) {
            return String.format("%,d", ((Number) value).longValue());
        }
        if (value instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format("%,.0f", d) : String.format("%.4g", d);
        }
        return String.valueOf(value);
    }
}
