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
import io.rtpipe.contract.TableSchema;
import io.rtpipe.contract.Tables;
import software.constructs.Construct;

import java.util.List;

/**
 * Where results land: the S3 bucket for the raw archive, dead letters and window results (private, encrypted, TLS
 * only, with a lifecycle), its access-log bucket, and the consumer's DynamoDB tables, each keyed as {@link Tables}
 * declares (what the code writes and checks at start-up): results (with TTL), shard progress, the alert ledger (used
 * by a spec with alerts) and KCL's lease table.
 * All tables are on-demand, encrypted, with point-in-time recovery, and retained on {@code cdk destroy}.
 */
public final class StorageStack extends Stack {

    private final Bucket accessLogs;
    private final Bucket archive;
    private final Table results;
    private final Table progress;
    private final Table alerts;
    private final Table leases;

    public StorageStack(Construct scope, String id, StackProps props, InfraSettings settings) {
        super(scope, id, props);
        this.accessLogs = Bucket.Builder.create(this, "AccessLogs")
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

        this.results = table("Results", settings.prefix() + "-results", Tables.RESULTS)
                .timeToLiveAttribute(Tables.RESULTS_TTL_ATTRIBUTE)
                .build();
        this.progress = table("Progress", settings.prefix() + "-progress", Tables.PROGRESS).build();
        // Declared whatever the spec: a spec that gains an alert later then needs no new table, only the grant.
        this.alerts = table("Alerts", settings.prefix() + "-alerts", Tables.ALERTS).build();
        // KCL would create this table itself (named after its application) if it were missing; declaring it here
        // gives it PITR and retention, and spares the consumer the CreateTable right.
        this.leases = table("Leases", settings.consumerApplication(), Tables.LEASES).build();
    }

    private Table.Builder table(String id, String name, TableSchema schema) {
        Table.Builder table = Table.Builder.create(this, id)
                .tableName(name)
                .partitionKey(Attribute.builder().name(schema.partitionKey()).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .encryption(TableEncryption.AWS_MANAGED)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .removalPolicy(RemovalPolicy.RETAIN);
        if (schema.sortKey() != null) {
            table.sortKey(Attribute.builder().name(schema.sortKey()).type(AttributeType.STRING).build());
        }
        return table;
    }

    /** The access-log bucket the archive (and the Athena results bucket) log to. */
    public Bucket accessLogs() {
        return accessLogs;
    }

    public Bucket archive() {
        return archive;
    }

    public Table results() {
        return results;
    }

    public Table progress() {
        return progress;
    }

    /** The alert ledger: which alert notifications were sent. */
    public Table alerts() {
        return alerts;
    }

    /** KCL's lease table of the consumer application. */
    public Table leases() {
        return leases;
    }
}
