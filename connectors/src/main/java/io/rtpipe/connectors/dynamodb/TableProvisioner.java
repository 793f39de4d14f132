package io.rtpipe.connectors.dynamodb;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

import java.time.Duration;

/** Creates a string-keyed (partition + sort) PAY_PER_REQUEST table unless it exists, and waits until it is ACTIVE. */
final class TableProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TableProvisioner.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    // The SDK waiter polls every 20 s; emulators create tables at once and real tables in seconds.
    private static final Duration POLL = Duration.ofMillis(250);

    private TableProvisioner() {
    }

    static void createIfMissing(DynamoDbClient dynamoDb, String table, String partitionKey, String sortKey) {
        if (status(dynamoDb, table) == null) {
            try {
                dynamoDb.createTable(b -> b.tableName(table)
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(
                                AttributeDefinition.builder().attributeName(partitionKey)
                                        .attributeType(ScalarAttributeType.S).build(),
                                AttributeDefinition.builder().attributeName(sortKey)
                                        .attributeType(ScalarAttributeType.S).build())
                        .keySchema(
                                KeySchemaElement.builder().attributeName(partitionKey).keyType(KeyType.HASH).build(),
                                KeySchemaElement.builder().attributeName(sortKey).keyType(KeyType.RANGE).build()));
                LOG.info("Created DynamoDB table {}", table);
            } catch (ResourceInUseException e) {
                LOG.debug("Table {} was created concurrently", table);
            }
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (status(dynamoDb, table) != TableStatus.ACTIVE) {
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

    private static TableStatus status(DynamoDbClient dynamoDb, String table) {
        try {
            return dynamoDb.describeTable(b -> b.tableName(table)).table().tableStatus();
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }
}
