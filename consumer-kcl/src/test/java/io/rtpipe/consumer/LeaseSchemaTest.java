package io.rtpipe.consumer;

import io.rtpipe.contract.Tables;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;

import static org.assertj.core.api.Assertions.assertThat;

/** The lease table the CDK app declares from {@link Tables#LEASES} is the one KCL 2.7.2 itself would create. */
class LeaseSchemaTest {

    @Test
    void declaredLeaseKeysAreKclsOwn() {
        var serializer = new DynamoDBLeaseSerializer();
        assertThat(serializer.getKeySchema().stream().map(KeySchemaElement::attributeName).toList())
                .isEqualTo(Tables.LEASES.keys());
        assertThat(serializer.getAttributeDefinitions())
                .allSatisfy(a -> assertThat(a.attributeTypeAsString()).isEqualTo("S"));
    }
}
