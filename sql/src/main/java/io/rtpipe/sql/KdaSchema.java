package io.rtpipe.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.core.event.DecoderSpec;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.spec.SpecException;
import org.apache.calcite.sql.parser.SqlParserPos;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A KDA application's input schema, as DescribeApplication gives it ({@code InputSchema}: {@code RecordFormat},
 * {@code RecordColumns} of {@code Name}, {@code SqlType}, {@code Mapping}): which event field each column of the
 * input stream reads, and how records are decoded. The JSON record format with rows at {@code $} is decoded as JSON,
 * each column the field its {@code Mapping} names; the CSV format with a one-character column delimiter is core's
 * CSV decoder, one row per record, each column the CSV column of its name (a one-column CSV schema is how KDA
 * applications read whole text lines, such as logs). Immutable.
 */
final class KdaSchema {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A column of the input stream: the event field it reads, and whether its SQL type is TIMESTAMP. */
    record Column(String field, boolean timestamp) {
    }

    private final Map<String, Column> columns;
    private final DecoderSpec decoder;

    private KdaSchema(Map<String, Column> columns, DecoderSpec decoder) {
        this.columns = columns;
        this.decoder = decoder;
    }

    /** How the input stream's records are decoded. */
    DecoderSpec decoder() {
        return decoder;
    }

    /** The column named exactly {@code name}, or null. */
    Column column(String name) {
        return columns.get(name);
    }

    /** The column names, in schema order, for messages. */
    String names() {
        return String.join(", ", columns.keySet());
    }

    /** Parses the schema JSON found at {@code at} in {@code file}. */
    static KdaSchema parse(String file, SqlParserPos at, String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 1 : e.getLocation().getLineNr();
            int column = e.getLocation() == null ? 1 : e.getLocation().getColumnNr();
            int col = line == 1 ? at.getColumnNum() + column - 1 : column;
            throw new SpecException(file, at.getLineNum() + line - 1, col, "the input schema is not valid JSON ("
                    + e.getOriginalMessage() + ").");
        }
        String format = root.path("RecordFormat").path("RecordFormatType").asText("JSON");
        if (format.equals("CSV")) {
            return csv(file, at, root);
        }
        if (!format.equals("JSON")) {
            throw error(file, at, "RecordFormatType is " + format + ", expected JSON or CSV");
        }
        String rowPath = root.path("RecordFormat").path("MappingParameters").path("JSONMappingParameters")
                .path("RecordRowPath").asText("$");
        if (!rowPath.equals("$")) {
            throw error(file, at, "RecordRowPath is " + rowPath + ", expected $: each record is one JSON object, "
                    + "one row");
        }
        JsonNode list = root.path("RecordColumns");
        if (!list.isArray() || list.isEmpty()) {
            throw error(file, at, "the input schema needs RecordColumns, a list of {\"Name\", \"SqlType\", "
                    + "\"Mapping\"}");
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode column = list.get(i);
            String where = "RecordColumns[" + i + "]";
            String name = column.path("Name").asText("");
            String mapping = column.path("Mapping").asText("");
            if (name.isEmpty()) {
                throw error(file, at, where + " has no Name");
            }
            String field = mapping.startsWith("$.") ? mapping.substring(2) : "";
            if (!FieldPath.isValid(field)) {
                throw error(file, at, where + " (" + name + ") has Mapping '" + mapping + "', expected a JSON path "
                        + "of field names such as $.ticker_symbol or $.geo.country (array elements are not read)");
            }
            String type = column.path("SqlType").asText("").toUpperCase(Locale.ROOT);
            if (columns.put(name, new Column(field, type.startsWith("TIMESTAMP"))) != null) {
                throw error(file, at, where + " names the column " + name + " a second time");
            }
        }
        return new KdaSchema(columns, DecoderSpec.json());
    }

    /** The CSV record format: one row per record, columns in order, split at the column delimiter. */
    private static KdaSchema csv(String file, SqlParserPos at, JsonNode root) {
        JsonNode mapping = root.path("RecordFormat").path("MappingParameters").path("CSVMappingParameters");
        String delimiter = mapping.path("RecordColumnDelimiter").asText(",");
        String rows = mapping.path("RecordRowDelimiter").asText("\n");
        if (delimiter.length() != 1 || delimiter.equals("\"") || delimiter.equals("\n") || delimiter.equals("\r")) {
            throw error(file, at, "RecordColumnDelimiter is '" + delimiter + "', expected one character other than "
                    + "a quote or a line break");
        }
        if (!rows.equals("\n") && !rows.equals("\r\n")) {
            throw error(file, at, "RecordRowDelimiter is '" + rows.replace("\n", "\\n").replace("\r", "\\r")
                    + "', expected \\n: each record is one row here");
        }
        JsonNode list = root.path("RecordColumns");
        if (!list.isArray() || list.isEmpty()) {
            throw error(file, at, "the input schema needs RecordColumns, a list of {\"Name\", \"SqlType\"}");
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String name = list.get(i).path("Name").asText("");
            if (!FieldPath.isValid(name) || name.contains(".")) {
                throw error(file, at, "RecordColumns[" + i + "] has the Name '" + name + "', expected a column name "
                        + "without dots or white space");
            }
            String type = list.get(i).path("SqlType").asText("").toUpperCase(Locale.ROOT);
            if (columns.put(name, new Column(name, type.startsWith("TIMESTAMP"))) != null) {
                throw error(file, at, "RecordColumns[" + i + "] names the column " + name + " a second time");
            }
        }
        return new KdaSchema(columns, new DecoderSpec.Csv(List.copyOf(columns.keySet()), delimiter.charAt(0)));
    }

    private static SpecException error(String file, SqlParserPos at, String sentence) {
        return new SpecException(file, at.getLineNum(), at.getColumnNum(), sentence + ".");
    }
}
