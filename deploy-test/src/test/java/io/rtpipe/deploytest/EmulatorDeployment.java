package io.rtpipe.deploytest;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.UniqueNames;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.StreamMode;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The templates' data resources created on the emulators with the templates' own properties: every
 * {@code AWS::Kinesis::Stream} (name, shard count or on-demand mode, retention), {@code AWS::DynamoDB::Table} (key
 * schema, attribute definitions, billing mode, global and local secondary indexes) and {@code AWS::S3::Bucket}.
 * Explicit names are used as given; resources without one get a unique name, as CloudFormation generates one,
 * recorded per logical id. The app's file assets are uploaded as {@code cdk deploy} does, to the bootstrap assets
 * bucket the manifests name (created here as {@code cdk bootstrap} would).
 *
 * <p>Not emulated, so only present in the templates: encryption, point-in-time recovery, lifecycle rules, bucket
 * policies, access logging, and TTL (dynalite has no UpdateTimeToLive: the test checks the TTL specification
 * against the items the code writes instead).
 */
final class EmulatorDeployment implements Intrinsics.Physical {

    static final String STREAM = "AWS::Kinesis::Stream";
    static final String TABLE = "AWS::DynamoDB::Table";
    static final String BUCKET = "AWS::S3::Bucket";

    private final LocalAws aws;
    private final Templates templates;
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Intrinsics intrinsics;

    private EmulatorDeployment(LocalAws aws, Templates templates) {
        this.aws = aws;
        this.templates = templates;
        this.intrinsics = new Intrinsics(templates, this, aws.awsConfig().region());
    }

    static EmulatorDeployment deploy(LocalAws aws, SynthesizedApp app) {
        Templates templates = app.templates();
        EmulatorDeployment deployment = new EmulatorDeployment(aws, templates);
        deployment.upload(app.fileAssets());
        templates.resources(STREAM).forEach(deployment::createStream);
        try (DynamoDbClient dynamoDb = aws.clients().dynamoDb()) {
            templates.resources(TABLE).forEach(table -> deployment.createTable(dynamoDb, table));
        }
        templates.resources(BUCKET).forEach(deployment::createBucket);
        return deployment;
    }

    private void upload(List<SynthesizedApp.FileAsset> assets) {
        try (S3Client s3 = aws.clients().s3()) {
            for (SynthesizedApp.FileAsset asset : assets) {
                String bucket = placeholders(asset.bucketName());
                aws.createBucket(bucket);
                s3.putObject(b -> b.bucket(bucket).key(placeholders(asset.objectKey())),
                        RequestBody.fromFile(asset.source()));
            }
        }
    }

    /** The asset manifest's placeholders, as the CDK CLI fills them in for the target environment. */
    private String placeholders(String name) {
        return name.replace("${AWS::AccountId}", Intrinsics.ACCOUNT)
                .replace("${AWS::Region}", aws.awsConfig().region())
                .replace("${AWS::Partition}", "aws");
    }

    Intrinsics intrinsics() {
        return intrinsics;
    }

    /** The physical name of a deployed resource. */
    String name(Templates.Resource resource) {
        String name = names.get(key(resource));
        if (name == null) {
            throw new AssertionError(resource + " is referenced but is not a stream, table or bucket the test "
                    + "deploys on the emulators");
        }
        return name;
    }

    /** Logical id to physical name of everything deployed, for failure messages. */
    Map<String, String> names() {
        return Map.copyOf(names);
    }

    @Override
    public String ref(Templates.Resource resource) {
        return name(resource);
    }

    @Override
    public String attribute(Templates.Resource resource, String attribute) {
        String name = name(resource);
        String region = aws.awsConfig().region();
        return switch (resource.type() + "." + attribute) {
            case STREAM + ".Arn" -> "arn:aws:kinesis:" + region + ":" + Intrinsics.ACCOUNT + ":stream/" + name;
            case TABLE + ".Arn" -> "arn:aws:dynamodb:" + region + ":" + Intrinsics.ACCOUNT + ":table/" + name;
            case BUCKET + ".Arn" -> "arn:aws:s3:::" + name;
            default -> throw new AssertionError("Fn::GetAtt " + resource + "." + attribute
                    + " is not resolved by this test");
        };
    }

    private void createStream(Templates.Resource stream) {
        String name = nameOf(stream, "Name");
        int retentionHours = stream.property("RetentionPeriodHours").asInt(24);
        String mode = stream.property("StreamModeDetails").path("StreamMode").asText("PROVISIONED");
        if (mode.equals("PROVISIONED")) {
            aws.createStream(name, stream.property("ShardCount").asInt(1));
        } else {
            try (KinesisAsyncClient kinesis = aws.clients().kinesisAsync()) {
                kinesis.createStream(b -> b.streamName(name)
                        .streamModeDetails(m -> m.streamMode(StreamMode.fromValue(mode)))).join();
                awaitActive(kinesis, name);
            }
        }
        if (retentionHours > 24) {
            try (KinesisAsyncClient kinesis = aws.clients().kinesisAsync()) {
                kinesis.increaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(retentionHours))
                        .join();
                awaitActive(kinesis, name);
            }
        }
    }

    private static void awaitActive(KinesisAsyncClient kinesis, String name) {
        // A bound on the emulator, not a speed assertion: kinesis-mock turns streams ACTIVE in ~100 ms.
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (kinesis.describeStreamSummary(b -> b.streamName(name)).join().streamDescriptionSummary()
                .streamStatus() != StreamStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("stream " + name + " did not become ACTIVE on the emulator");
            }
            Sleep.millis(100);
        }
    }

    private void createTable(DynamoDbClient dynamoDb, Templates.Resource table) {
        String name = nameOf(table, "TableName");
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                .keySchema(keySchema(table.property("KeySchema")))
                .billingMode(table.property("BillingMode").asText("PROVISIONED"));
        List<AttributeDefinition> attributes = new ArrayList<>();
        table.property("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
                .attributeName(a.path("AttributeName").asText())
                .attributeType(a.path("AttributeType").asText()).build()));
        request.attributeDefinitions(attributes);
        if (table.property("ProvisionedThroughput").isObject()) {
            request.provisionedThroughput(throughput(table.property("ProvisionedThroughput")));
        }
        List<GlobalSecondaryIndex> global = new ArrayList<>();
        table.property("GlobalSecondaryIndexes").forEach(index -> {
            GlobalSecondaryIndex.Builder gsi = GlobalSecondaryIndex.builder()
                    .indexName(index.path("IndexName").asText())
                    .keySchema(keySchema(index.path("KeySchema")))
                    .projection(projection(index.path("Projection")));
            if (index.path("ProvisionedThroughput").isObject()) {
                gsi.provisionedThroughput(throughput(index.path("ProvisionedThroughput")));
            }
            global.add(gsi.build());
        });
        if (!global.isEmpty()) {
            request.globalSecondaryIndexes(global);
        }
        List<LocalSecondaryIndex> local = new ArrayList<>();
        table.property("LocalSecondaryIndexes").forEach(index -> local.add(LocalSecondaryIndex.builder()
                .indexName(index.path("IndexName").asText())
                .keySchema(keySchema(index.path("KeySchema")))
                .projection(projection(index.path("Projection"))).build()));
        if (!local.isEmpty()) {
            request.localSecondaryIndexes(local);
        }
        dynamoDb.createTable(request.build());
    }

    private static List<KeySchemaElement> keySchema(JsonNode keySchema) {
        List<KeySchemaElement> keys = new ArrayList<>();
        keySchema.forEach(k -> keys.add(KeySchemaElement.builder()
                .attributeName(k.path("AttributeName").asText()).keyType(k.path("KeyType").asText()).build()));
        return keys;
    }

    private static Projection projection(JsonNode projection) {
        List<String> nonKey = new ArrayList<>();
        projection.path("NonKeyAttributes").forEach(a -> nonKey.add(a.asText()));
        Projection.Builder builder = Projection.builder().projectionType(projection.path("ProjectionType").asText("ALL"));
        return nonKey.isEmpty() ? builder.build() : builder.nonKeyAttributes(nonKey).build();
    }

    private static ProvisionedThroughput throughput(JsonNode throughput) {
        return ProvisionedThroughput.builder()
                .readCapacityUnits(throughput.path("ReadCapacityUnits").asLong())
                .writeCapacityUnits(throughput.path("WriteCapacityUnits").asLong()).build();
    }

    private void createBucket(Templates.Resource bucket) {
        aws.createBucket(nameOf(bucket, "BucketName"));
    }

    /** The explicit name property if the template sets one (resolved), else a generated unique one; recorded. */
    private String nameOf(Templates.Resource resource, String nameProperty) {
        JsonNode explicit = resource.property(nameProperty);
        String name = explicit.isMissingNode()
                ? UniqueNames.unique(generatedPrefix(resource))
                : intrinsics.resolve(resource.stack(), explicit, resource + " " + nameProperty);
        names.put(key(resource), name);
        return name;
    }

    /** Like CloudFormation's generated names: stack and logical id, lowercase (valid for buckets too). */
    private static String generatedPrefix(Templates.Resource resource) {
        String prefix = (resource.stack() + "-" + resource.logicalId()).toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9-]", "-");
        return prefix.substring(0, Math.min(prefix.length(), 41)).replaceAll("-+$", "");
    }

    private static String key(Templates.Resource resource) {
        return resource.stack() + "/" + resource.logicalId();
    }
}
