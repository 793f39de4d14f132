package io.rtpipe.infra;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.event.DecoderSpec;
import io.rtpipe.core.event.Framing;
import io.rtpipe.core.reference.ReferenceSpec;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;

import java.util.List;

/**
 * The rights reading events by the metric spec needs beyond the stream, granted to each role that runs the engine:
 * its reference tables' sources (an S3 object: GetObject, and GetObjectVersion to replay with the version a
 * checkpoint recorded; a DynamoDB table: Scan, each reload reads it whole), and GetSchemaVersion when the decoder
 * takes writer schemas from the Glue Schema Registry.
 */
final class SpecSourceGrants {

    private SpecSourceGrants() {
    }

    static void grant(IRole role, EngineConfig engine) {
        Stack stack = Stack.of(role);
        for (ReferenceSpec reference : engine.references()) {
            if (reference.source() instanceof ReferenceSpec.S3Object object) {
                role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                        .actions(List.of("s3:GetObject", "s3:GetObjectVersion"))
                        .resources(List.of(stack.formatArn(ArnComponents.builder().service("s3").region("")
                                .account("").resource(object.bucket()).resourceName(object.objectKey()).build())))
                        .build());
            } else if (reference.source() instanceof ReferenceSpec.DynamoDbTable table) {
                role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                        .actions(List.of("dynamodb:Scan"))
                        .resources(List.of(stack.formatArn(ArnComponents.builder().service("dynamodb")
                                .resource("table").resourceName(table.table()).build())))
                        .build());
            }
        }
        if (readsGlueRegistry(engine.decoder())) {
            // A record names its writer schema by a version id alone, which names no registry or schema.
            role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .actions(List.of("glue:GetSchemaVersion"))
                    .resources(List.of(
                            stack.formatArn(ArnComponents.builder().service("glue").resource("registry")
                                    .resourceName("*").build()),
                            stack.formatArn(ArnComponents.builder().service("glue").resource("schema")
                                    .resourceName("*").build())))
                    .build());
            Nag.suppress(role, "AwsSolutions-IAM5", "A Glue-framed record names its writer schema by a schema "
                    + "version id only, which names no registry or schema; GetSchemaVersion is read-only.",
                    List.of("Resource::arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:registry/*",
                            "Resource::arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:schema/*"));
        }
    }

    private static boolean readsGlueRegistry(DecoderSpec decoder) {
        return decoder.readsRegistry() && decoder instanceof DecoderSpec.Avro avro && avro.framing() == Framing.GLUE;
    }
}
