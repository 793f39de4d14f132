package io.rtpipe.infra;

import io.rtpipe.contract.ArchiveColumns;
import io.rtpipe.contract.ArchivePrefixes;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.publish.ResultColumns;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.athena.CfnWorkGroup;
import software.amazon.awscdk.services.glue.CfnDatabase;
import software.amazon.awscdk.services.glue.CfnTable;
import software.amazon.awscdk.services.kinesis.IStream;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The archive made queryable with Athena: a Glue database with one table per interval prefix (raw, deadletter,
 * late), whose columns are {@link ArchiveColumns}' declaration (the codec's) read by the OpenX JSON SerDe; one
 * table {@code results_<metric>} per metric over the consumer's Parquet results, whose columns are core's
 * {@link ResultColumns} (the Parquet sink's); partition projection on the keys' {@code dt}/{@code hr} so no crawler
 * or {@code MSCK REPAIR} is needed; and an Athena workgroup that forces its query results into an encrypted bucket
 * of its own.
 */
public final class QueryStack extends Stack {

    /** Query results are re-runnable output, kept a week. */
    static final int RESULTS_EXPIRATION_DAYS = 7;

    /** A metric's results table is this and its name ({@code results_events_per_minute}). */
    static final String RESULTS_TABLE_PREFIX = "results_";

    private final String database;
    private final CfnWorkGroup workGroup;

    public QueryStack(Construct scope, String id, StackProps props, InfraSettings settings, EngineConfig engine,
                      IStream stream, IBucket archive, IBucket accessLogs) {
        super(scope, id, props);
        // Glue names are lower case with underscores; the prefix may hold hyphens.
        this.database = settings.prefix().replace('-', '_') + "_archive";
        CfnDatabase db = CfnDatabase.Builder.create(this, "Database")
                .catalogId(getAccount())
                .databaseInput(CfnDatabase.DatabaseInputProperty.builder()
                        .name(database)
                        .description("rtpipe's S3 archive: raw records, dead letters, late records, final results")
                        .build())
                .build();
        for (String prefix : List.of(ArchivePrefixes.RAW, ArchivePrefixes.DEADLETTER, ArchivePrefixes.LATE)) {
            CfnTable table = table(prefix, stream, archive, settings.archiveExpirationDays());
            table.addDependency(db);
        }
        for (MetricSpec metric : engine.metrics()) {
            resultsTable(metric, archive, settings.archiveExpirationDays()).addDependency(db);
        }

        Bucket results = Bucket.Builder.create(this, "QueryResults")
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .serverAccessLogsBucket(accessLogs)
                .serverAccessLogsPrefix("athena-results/")
                .lifecycleRules(List.of(LifecycleRule.builder().id("expire-query-results")
                        .expiration(Duration.days(RESULTS_EXPIRATION_DAYS))
                        .abortIncompleteMultipartUploadAfter(Duration.days(1)).build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        this.workGroup = CfnWorkGroup.Builder.create(this, "WorkGroup")
                .name(settings.prefix())
                .description("rtpipe: queries of the archive; results encrypted in their own bucket")
                .state("ENABLED")
                .workGroupConfiguration(CfnWorkGroup.WorkGroupConfigurationProperty.builder()
                        // Clients cannot send results elsewhere or unencrypted.
                        .enforceWorkGroupConfiguration(true)
                        .publishCloudWatchMetricsEnabled(true)
                        .resultConfiguration(CfnWorkGroup.ResultConfigurationProperty.builder()
                                .outputLocation("s3://" + results.getBucketName() + "/")
                                .encryptionConfiguration(CfnWorkGroup.EncryptionConfigurationProperty.builder()
                                        .encryptionOption("SSE_S3").build())
                                .build())
                        .build())
                .build();
    }

    private CfnTable table(String prefix, IStream stream, IBucket archive, int retentionDays) {
        String location = "s3://" + archive.getBucketName() + "/" + prefix + "/" + stream.getStreamName() + "/";
        List<CfnTable.ColumnProperty> columns = ArchiveColumns.of(prefix).stream()
                .map(c -> CfnTable.ColumnProperty.builder().name(c.name()).type(c.type().glueType())
                        .comment(c.comment()).build())
                .toList();
        return CfnTable.Builder.create(this, "Table-" + prefix)
                .catalogId(getAccount())
                .databaseName(database)
                .tableInput(CfnTable.TableInputProperty.builder()
                        .name(prefix)
                        .tableType("EXTERNAL_TABLE")
                        .parameters(jsonLines(location, retentionDays))
                        .partitionKeys(List.of(
                                CfnTable.ColumnProperty.builder().name(ArchiveColumns.DT).type("string")
                                        .comment("UTC date of the interval's first arrival").build(),
                                CfnTable.ColumnProperty.builder().name(ArchiveColumns.HR).type("string")
                                        .comment("UTC hour (00-23) of the interval's first arrival").build()))
                        .storageDescriptor(CfnTable.StorageDescriptorProperty.builder()
                                .location(location)
                                .columns(columns)
                                .inputFormat("org.apache.hadoop.mapred.TextInputFormat")
                                .outputFormat("org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat")
                                .serdeInfo(CfnTable.SerdeInfoProperty.builder()
                                        .serializationLibrary("org.openx.data.jsonserde.JsonSerDe")
                                        .build())
                                .build())
                        .build())
                .build();
    }

    /**
     * The final results of {@code metric} as the Parquet sink writes them:
     * {@code results-parquet/metric=NAME/dt=…/hr=…/part-NNNNN.parquet}, one row per window and group key.
     */
    private CfnTable resultsTable(MetricSpec metric, IBucket archive, int retentionDays) {
        String location = "s3://" + archive.getBucketName() + "/" + ArchivePrefixes.RESULTS_PARQUET + "/"
                + ArchivePrefixes.METRIC_PARTITION + "=" + metric.name() + "/";
        List<CfnTable.ColumnProperty> columns = ResultColumns.of(metric).stream()
                .map(c -> CfnTable.ColumnProperty.builder().name(c.name()).type(c.kind().glueType())
                        .comment(c.comment()).build())
                .toList();
        Map<String, String> parameters = new HashMap<>(projection(location, retentionDays));
        parameters.put("classification", "parquet");
        return CfnTable.Builder.create(this, "Results-" + metric.name())
                .catalogId(getAccount())
                .databaseName(database)
                .tableInput(CfnTable.TableInputProperty.builder()
                        .name(RESULTS_TABLE_PREFIX + metric.name())
                        .description("final results of metric " + metric.name() + ": one row per window and key, "
                                + "written once every shard has fired the whole hour")
                        .tableType("EXTERNAL_TABLE")
                        .parameters(parameters)
                        .partitionKeys(List.of(
                                CfnTable.ColumnProperty.builder().name(ArchiveColumns.DT).type("string")
                                        .comment("UTC date of the windows' start").build(),
                                CfnTable.ColumnProperty.builder().name(ArchiveColumns.HR).type("string")
                                        .comment("UTC hour (00-23) of the windows' start").build()))
                        .storageDescriptor(CfnTable.StorageDescriptorProperty.builder()
                                .location(location)
                                .columns(columns)
                                .inputFormat("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat")
                                .outputFormat("org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat")
                                .serdeInfo(CfnTable.SerdeInfoProperty.builder()
                                        .serializationLibrary(
                                                "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe")
                                        .build())
                                .build())
                        .build())
                .build();
    }

    /** The JSON-lines interval objects' parameters: projection, and how Athena reads the gzipped lines. */
    private static Map<String, String> jsonLines(String location, int retentionDays) {
        Map<String, String> parameters = new HashMap<>(projection(location, retentionDays));
        parameters.put("classification", "json");
        parameters.put("compressionType", "gzip");
        return parameters;
    }

    /** Partition projection over the keys' {@code dt=YYYY-MM-DD/hr=HH}, so Athena needs no partition list. */
    private static Map<String, String> projection(String location, int retentionDays) {
        String dt = "projection." + ArchiveColumns.DT;
        String hr = "projection." + ArchiveColumns.HR;
        return Map.ofEntries(
                Map.entry("projection.enabled", "true"),
                Map.entry(dt + ".type", "date"),
                Map.entry(dt + ".format", ArchiveColumns.DT_FORMAT),
                // As far back as the archive's lifecycle keeps objects.
                Map.entry(dt + ".range", "NOW-" + retentionDays + "DAYS,NOW"),
                Map.entry(dt + ".interval", "1"),
                Map.entry(dt + ".interval.unit", "DAYS"),
                Map.entry(hr + ".type", "integer"),
                Map.entry(hr + ".range", "0,23"),
                Map.entry(hr + ".digits", "2"),
                Map.entry("storage.location.template", location + ArchiveColumns.DT + "=${" + ArchiveColumns.DT
                        + "}/" + ArchiveColumns.HR + "=${" + ArchiveColumns.HR + "}/"));
    }

    /**
     * The Glue database holding the tables {@code raw}, {@code deadletter}, {@code late} and
     * {@code results_<metric>}.
     */
    public String database() {
        return database;
    }

    public CfnWorkGroup workGroup() {
        return workGroup;
    }
}
