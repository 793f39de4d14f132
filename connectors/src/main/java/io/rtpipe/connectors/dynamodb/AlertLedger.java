package io.rtpipe.connectors.dynamodb;

import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.connectors.sink.SinkWriteException;
import io.rtpipe.contract.Tables;
import io.rtpipe.core.metric.OutputSpec;
import io.rtpipe.core.publish.Alert;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Which alert notifications were sent: one DynamoDB item per (metric, output, key, throttle slot), keyed
 * {@code metric} / {@code slot} ({@link Tables#ALERTS}), holding the notification's id and its state, {@code pending}
 * or {@code sent}. The first notification to claim a slot (a conditional put) owns it; every later claim of that slot
 * reads what is there. The item stays: a slot is claimed once, however often its range is republished.
 */
public final class AlertLedger {
    static final String PK = Tables.ALERTS.partitionKey();
    static final String SK = Tables.ALERTS.sortKey();
    static final String ID = "id";
    static final String STATE = "state";
    static final String PENDING = "pending";
    static final String SENT = "sent";

    /** What a claim found. */
    public enum Claim {
        /** The slot was free and is now pending for this notification. */
        NEW(true),
        /** This notification claimed the slot before and may not have been sent: send it again, same id. */
        PENDING(true),
        /** This notification was sent. */
        SENT(false),
        /** Another window of the key claimed the slot first: throttled. */
        TAKEN(false);

        private final boolean needsSending;

        Claim(boolean needsSending) {
            this.needsSending = needsSending;
        }

        public boolean needsSending() {
            return needsSending;
        }
    }

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final RetryPolicy retry;

    public AlertLedger(DynamoDbClient dynamoDb, String table, RetryPolicy retry) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.retry = retry;
    }

    /** Creates the ledger table unless it exists (local runs); a deployed one must have the ledger's key schema. */
    public static void createTableIfMissing(DynamoDbClient dynamoDb, String table) {
        TableProvisioner.createIfMissing(dynamoDb, table, Tables.ALERTS);
    }

    /** Claims the slot of {@code alert} on {@code output} for it, or reads who holds it. */
    public Claim claim(String metric, OutputSpec output, Alert alert) {
        Map<String, AttributeValue> key = key(metric, output, alert);
        return withRetries("claim", () -> {
            try {
                dynamoDb.putItem(b -> b.tableName(table)
                        .item(Map.of(PK, key.get(PK), SK, key.get(SK), ID, s(alert.record().id()), STATE, s(PENDING)))
                        .conditionExpression("attribute_not_exists(#sk)")
                        .expressionAttributeNames(Map.of("#sk", SK)));
                return Claim.NEW;
            } catch (ConditionalCheckFailedException e) {
                Map<String, AttributeValue> held = dynamoDb.getItem(b -> b.tableName(table).key(key)
                        .consistentRead(true)).item();
                if (!alert.record().id().equals(held.get(ID).s())) {
                    return Claim.TAKEN;
                }
                return SENT.equals(held.get(STATE).s()) ? Claim.SENT : Claim.PENDING;
            }
        });
    }

    /** Records that the notification of {@code alert} on {@code output} was sent. */
    public void markSent(String metric, OutputSpec output, Alert alert) {
        withRetries("mark as sent", () -> dynamoDb.updateItem(b -> b.tableName(table).key(key(metric, output, alert))
                .updateExpression("SET #state = :sent")
                .conditionExpression("#id = :id")
                .expressionAttributeNames(Map.of("#state", STATE, "#id", ID))
                .expressionAttributeValues(Map.of(":sent", s(SENT), ":id", s(alert.record().id())))));
    }

    /** The sort key: {@code <output>/<key hash>/<slot start>}, output as {@code kind:target}. */
    static String slot(OutputSpec output, Alert alert) {
        return output + "/" + alert.ledgerKey();
    }

    private static Map<String, AttributeValue> key(String metric, OutputSpec output, Alert alert) {
        return Map.of(PK, s(metric), SK, s(slot(output, alert)));
    }

    private <T> T withRetries(String what, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (SdkException e) {
                if (attempt >= retry.maxAttempts()) {
                    throw new SinkWriteException("could not " + what + " an alert in DynamoDB table " + table
                            + " after " + attempt + " attempts: " + e.getMessage(), e);
                }
                retry.sleepAfter(attempt);
            }
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
