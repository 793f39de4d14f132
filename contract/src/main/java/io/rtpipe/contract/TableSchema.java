package io.rtpipe.contract;

import java.util.List;
import java.util.Objects;

/**
 * The key schema of a DynamoDB table the code writes: string partition key, optional string sort key. The CDK app
 * declares tables from these and the consumer checks, at start-up, that each table it uses has exactly this schema.
 *
 * @param sortKey null for a table with a partition key only
 */
public record TableSchema(String partitionKey, String sortKey) {

    public TableSchema {
        Objects.requireNonNull(partitionKey, "partitionKey");
    }

    /** Key attribute names in key-schema order (HASH, then RANGE). */
    public List<String> keys() {
        return sortKey == null ? List.of(partitionKey) : List.of(partitionKey, sortKey);
    }
}
