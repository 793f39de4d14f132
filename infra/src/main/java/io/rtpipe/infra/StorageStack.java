package io.rtpipe.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.StorageClass;
import software.amazon.awscdk.services.s3.Transition;
import software.constructs.Construct;

import java.util.List;

/**
 * Where results land: the S3 bucket for the raw archive, dead letters and window results (private, encrypted, TLS
 * only, with a lifecycle), its access-log bucket, and the DynamoDB results table (TTL, point-in-time recovery).
 */
public final class StorageStack extends Stack {

    /** Attribute holding an item's expiry (epoch seconds); the results sink sets it. */
    public static final String TTL_ATTRIBUTE = "expiresAt";

    private final Bucket archive;
    private final Table results;

    public StorageStack(Construct scope, String id, StackProps props, InfraSettings settings) {
        super(scope, id, props);
        Bucket accessLogs = Bucket.Builder.create(this, "AccessLogs")
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .encryption(BucketEncryption.S3_MANAGED) // S3 server access logging only delivers to SSE-S3 buckets
                .enforceSsl(true)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .lifecycleRules(List.of(LifecycleRule.builder().id("expire-logs")
                        .expiration(Duration.days(90)).build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        Nag.suppress(accessLogs, "AwsSolutions-S1",
                "This is the access-log bucket itself; logging its own accesses into itself would loop.");

        this.archive = Bucket.Builder.create(this, "Archive")
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .serverAccessLogsBucket(accessLogs)
                .serverAccessLogsPrefix("archive/")
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("archive-ageing")
                        .transitions(List.of(Transition.builder()
                                .storageClass(StorageClass.INFREQUENT_ACCESS)
                                .transitionAfter(Duration.days(settings.archiveInfrequentAccessDays()))
                                .build()))
                        .expiration(Duration.days(settings.archiveExpirationDays()))
                        .abortIncompleteMultipartUploadAfter(Duration.days(7))
                        .build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();

        this.results = Table.Builder.create(this, "Results")
                .tableName(settings.prefix() + "-results")
                .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .encryption(TableEncryption.AWS_MANAGED)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .timeToLiveAttribute(TTL_ATTRIBUTE)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    public Bucket archive() {
        return archive;
    }

    public Table results() {
        return results;
    }
}
