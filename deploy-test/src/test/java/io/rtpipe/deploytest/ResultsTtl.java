package io.rtpipe.deploytest;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtpipe.contract.Tables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TTL half of the table contract. dynalite has no UpdateTimeToLive, so the emulator table has no TTL; instead
 * the template must declare one (enabled, on an attribute) and every item the code wrote must carry that attribute
 * as a number of epoch seconds, or DynamoDB would never expire it. When it expires is the code's retention policy,
 * not part of the contract: the value need only be epoch seconds after the data's first window.
 */
final class ResultsTtl {

    private ResultsTtl() {
    }

    static void assertItemsExpireByTheDeclaredAttribute(Templates.Resource table, String tableName,
                                                        DynamoDbClient dynamoDb, Instant firstWindow) {
        JsonNode ttl = table.property("TimeToLiveSpecification");
        assertThat(ttl.path("Enabled").asBoolean(false))
                .as("%s declares an enabled TimeToLiveSpecification", table).isTrue();
        String attribute = ttl.path("AttributeName").asText();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        // Fired-through marks are meant to last (Tables.RESULTS_MARK_SORT_KEY_PREFIX); every window result expires.
        dynamoDb.scanPaginator(b -> b.tableName(tableName)).items().stream()
                .filter(item -> !item.get("sk").s().startsWith(Tables.RESULTS_MARK_SORT_KEY_PREFIX))
                .forEach(items::add);
        assertThat(items).as("items in %s", tableName).isNotEmpty();
        long now = Instant.now().getEpochSecond();
        for (Map<String, AttributeValue> item : items) {
            AttributeValue expiry = item.get(attribute);
            if (expiry == null || expiry.n() == null) {
                throw new AssertionError("the template expires items of " + tableName + " by the attribute '"
                        + attribute + "' (TimeToLiveSpecification), but the code wrote an item without it as a "
                        + "number (attributes " + item.keySet() + "): DynamoDB would never expire it");
            }
            // Epoch seconds; milliseconds would be centuries ahead and never expire.
            assertThat(Long.parseLong(expiry.n())).as("'%s' is epoch seconds after the first window", attribute)
                    .isGreaterThan(firstWindow.getEpochSecond()).isLessThan(now + 20L * 366 * 24 * 3600);
        }
    }
}
