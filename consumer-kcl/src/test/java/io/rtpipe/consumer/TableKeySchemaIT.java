package io.rtpipe.consumer;

import io.rtpipe.connectors.dynamodb.KeySchemaMismatchException;
import io.rtpipe.consumer.testing.ConsumerFixture;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Start-up against tables keyed otherwise than the consumer writes (as the template once deployed the results
 * table, pk/sk): the consumer refuses to start with one sentence naming the table and both key sets. Tables that do
 * not exist are created with the keys the code writes. Key names below are spelled out, not taken from the code.
 */
@ExtendWith(SandboxExtension.class)
class TableKeySchemaIT {

    @Test
    void resultsTableKeyedPkSkStopsStartUpNamingTableAndBothKeySets(LocalAws aws) {
        try (var fx = new ConsumerFixture(aws, 1); DynamoDbClient dynamoDb = aws.clients().dynamoDb()) {
            String results = unique("results");
            createTable(dynamoDb, results, "pk", "sk");
            KclConsumer consumer = fx.consumer(fx.config().resultsTableName(results).build());

            assertThatThrownBy(consumer::start)
                    .isInstanceOf(KeySchemaMismatchException.class)
                    .hasMessage("DynamoDB table " + results + " is keyed pk/sk but rtpipe writes items keyed "
                            + "metric/sk: point rtpipe at a table with that key schema or deploy the current template.");
        }
    }

    @Test
    void leaseTableKeyedOtherwiseStopsStartUp(LocalAws aws) {
        try (var fx = new ConsumerFixture(aws, 1); DynamoDbClient dynamoDb = aws.clients().dynamoDb()) {
            String leases = unique("leases");
            createTable(dynamoDb, leases, "shardId", null);
            KclConsumer consumer = fx.consumer(fx.config().leaseTableName(leases).build());

            assertThatThrownBy(consumer::start)
                    .isInstanceOf(KeySchemaMismatchException.class)
                    .hasMessageStartingWith("DynamoDB table " + leases + " is keyed shardId but rtpipe writes items "
                            + "keyed leaseKey:");
        }
    }

    @Test
    void missingTablesAreCreatedWithTheKeysTheConsumerWrites(LocalAws aws) throws Exception {
        try (var fx = new ConsumerFixture(aws, 1); DynamoDbClient dynamoDb = aws.clients().dynamoDb()) {
            ConsumerConfig config = fx.config().build();
            KclConsumer consumer = fx.consumer(config);
            consumer.start();
            consumer.shutdownNow();

            assertThat(keys(dynamoDb, config.resultsTableName())).containsExactly("HASH metric", "RANGE sk");
            assertThat(keys(dynamoDb, config.progressTableName())).containsExactly("HASH shard", "RANGE checkpoint");
            assertThat(keys(dynamoDb, config.leaseTableName())).containsExactly("HASH leaseKey");
        }
    }

    private static List<String> keys(DynamoDbClient dynamoDb, String table) {
        return dynamoDb.describeTable(b -> b.tableName(table)).table().keySchema().stream()
                .map(k -> k.keyTypeAsString() + " " + k.attributeName())
                .sorted() // HASH < RANGE
                .collect(Collectors.toList());
    }

    private static void createTable(DynamoDbClient dynamoDb, String table, String partitionKey, String sortKey) {
        List<AttributeDefinition> attributes = new ArrayList<>();
        List<KeySchemaElement> keys = new ArrayList<>();
        attributes.add(AttributeDefinition.builder().attributeName(partitionKey).attributeType(ScalarAttributeType.S)
                .build());
        keys.add(KeySchemaElement.builder().attributeName(partitionKey).keyType(KeyType.HASH).build());
        if (sortKey != null) {
            attributes.add(AttributeDefinition.builder().attributeName(sortKey).attributeType(ScalarAttributeType.S)
                    .build());
            keys.add(KeySchemaElement.builder().attributeName(sortKey).keyType(KeyType.RANGE).build());
        }
        dynamoDb.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attributes).keySchema(keys));
    }
}
