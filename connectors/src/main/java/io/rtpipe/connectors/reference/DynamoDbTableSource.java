package io.rtpipe.connectors.reference;

import io.rtpipe.core.filter.EventFilter;
import io.rtpipe.core.reference.ReferenceException;
import io.rtpipe.core.reference.ReferenceSpec;
import io.rtpipe.core.reference.ReferenceTable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A DynamoDB table, read whole by a scan per reload into a snapshot versioned by the digest of its rows
 * ({@link ReferenceTable#ofItems}). DynamoDB keeps no old versions: only the current one can be read again.
 * Attribute types become CEL values as JSON's do: S a string, N an integer (or a decimal if it has a fraction or
 * is beyond 64 bits), BOOL, NULL, M an object, L, SS and NS lists; binary attributes are left out.
 */
final class DynamoDbTableSource implements TableSource {
    private final ReferenceSpec spec;
    private final String table;
    private final DynamoDbClient dynamoDb;

    DynamoDbTableSource(ReferenceSpec spec, ReferenceSpec.DynamoDbTable source, DynamoDbClient dynamoDb) {
        this.spec = spec;
        this.table = source.table();
        this.dynamoDb = dynamoDb;
    }

    @Override
    public ReferenceTable newest(ReferenceTable current) {
        List<Map<String, Object>> items = new ArrayList<>();
        try {
            for (Map<String, AttributeValue> item : dynamoDb.scanPaginator(b -> b.tableName(table).consistentRead(true))
                    .items()) {
                items.add(values(item));
                if (items.size() > ReferenceSpec.MAX_ROWS) {
                    break; // ofItems refuses the table; no need to read the rest
                }
            }
        } catch (ResourceNotFoundException e) {
            throw new ReferenceException(spec, "there is no such DynamoDB table", e);
        } catch (SdkException e) {
            throw new ReferenceException(spec, "the scan failed (" + e.getMessage() + ")", e);
        }
        return ReferenceTable.ofItems(spec, items);
    }

    @Override
    public Optional<ReferenceTable> version(String version) {
        ReferenceTable now = newest(null);
        return now.version().equals(version) ? Optional.of(now) : Optional.empty();
    }

    private static Map<String, Object> values(Map<String, AttributeValue> item) {
        Map<String, Object> values = new LinkedHashMap<>();
        item.forEach((name, value) -> {
            Object converted = value(value);
            if (converted != null) {
                values.put(name, converted);
            }
        });
        return values;
    }

    private static Object value(AttributeValue value) {
        return switch (value.type()) {
            case S -> value.s();
            case N -> number(value.n());
            case BOOL -> value.bool();
            case NUL -> EventFilter.JSON_NULL;
            case M -> values(value.m());
            case L -> value.l().stream().map(DynamoDbTableSource::value).filter(v -> v != null).toList();
            case SS -> List.copyOf(value.ss());
            case NS -> value.ns().stream().map(DynamoDbTableSource::number).toList();
            default -> null; // binary: no CEL value an event could hold
        };
    }

    private static Object number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return Double.parseDouble(text);
        }
    }
}
