package io.rtpipe.connectors.dynamodb;

import io.rtpipe.contract.TableSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates a string-keyed PAY_PER_REQUEST table of a {@link TableSchema} unless it exists, and waits until it is
 * ACTIVE. A table that exists must have that key schema ({@link KeySchemaCheck}): local runs get their tables made,
 * deployed ones (made by the CDK app) are checked.
 */
final class TableProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TableProvisioner.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    // The SDK waiter polls every 20 s; emulators create tables at once and real tables in seconds.
    private static final Duration POLL = Duration.ofMillis(250);

    private TableProvisioner() {
    }

    static void createIfMissing(DynamoDbClient dynamoDb, String table, TableSchema schema) {
        if (!KeySchemaCheck.requireIfExists(dynamoDb, table, schema)) {
            try {
                dynamoDb.createTable(b -> b.tableName(table)
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(attributes(schema))
                        .keySchema(keySchema(schema)));
                LOG.info("Created DynamoDB table {}", table);
            } catch (ResourceInUseException e) {
                LOG.debug("Table {} was created concurrently", table);
                KeySchemaCheck.requireIfExists(dynamoDb, table, schema);
            }
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (KeySchemaCheck.status(dynamoDb, table) != TableStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("DynamoDB table " + table + " did not become ACTIVE within " + TIMEOUT);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for table " + table, e);
            }
        }
    }

    private static List<AttributeDefinition> attributes(TableSchema schema) {
        return schema.keys().stream()
                .map(name -> AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S)
                        .build())
                .toList();
    }

    private static List<KeySchemaElement> keySchema(TableSchema schema) {
        List<KeySchemaElement> keys = new ArrayList<>();
        keys.add(KeySchemaElement.builder().attributeName(schema.partitionKey()).keyType(KeyType.HASH).build());
        if (schema.sortKey() != null) {
            keys.add(KeySchemaElement.builder().attributeName(schema.sortKey()).keyType(KeyType.RANGE).build());
        }
        return keys;
    }
}
