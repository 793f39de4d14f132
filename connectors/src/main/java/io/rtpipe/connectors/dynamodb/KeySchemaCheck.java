package io.rtpipe.connectors.dynamodb;

import io.rtpipe.contract.TableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

import java.util.Comparator;
import java.util.List;

/**
 * Start-up check that a table rtpipe writes has the key schema it writes. Without it a table keyed otherwise (say,
 * one deployed from an older template) is only noticed when every write fails, shard by shard, far from the cause.
 */
public final class KeySchemaCheck {

    private KeySchemaCheck() {
    }

    /**
     * @return true if {@code table} exists with {@code expected} as its key schema, false if it does not exist
     * @throws KeySchemaMismatchException if it exists with other keys
     */
    public static boolean requireIfExists(DynamoDbClient dynamoDb, String table, TableSchema expected) {
        TableDescription description = describe(dynamoDb, table);
        if (description == null) {
            return false;
        }
        List<String> found = description.keySchema().stream()
                // HASH before RANGE, the order of TableSchema.keys()
                .sorted(Comparator.comparing(k -> k.keyType() == KeyType.HASH ? 0 : 1))
                .map(KeySchemaElement::attributeName)
                .toList();
        if (!found.equals(expected.keys())) {
            throw new KeySchemaMismatchException(table, expected.keys(), found);
        }
        return true;
    }

    static TableStatus status(DynamoDbClient dynamoDb, String table) {
        TableDescription description = describe(dynamoDb, table);
        return description == null ? null : description.tableStatus();
    }

    private static TableDescription describe(DynamoDbClient dynamoDb, String table) {
        try {
            return dynamoDb.describeTable(b -> b.tableName(table)).table();
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }
}
