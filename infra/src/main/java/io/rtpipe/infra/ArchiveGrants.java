package io.rtpipe.infra;

import io.rtpipe.contract.ArchivePrefixes;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.s3.IBucket;

import java.util.ArrayList;
import java.util.List;

/**
 * The archive-bucket rights of a writer of checkpoint intervals (the consumer task and the analytics Lambda, both
 * through connectors' {@code S3IntervalSink}, and their {@code ResultsSink} spilling results too large for an item):
 * PutObject under the contract's prefixes, DeleteObject of the
 * dead-letter and late keys an interval turned out not to need, and s3:ListBucket on the bucket itself (HeadBucket,
 * the consumer's start-up check, and listing a shard's snapshots to prune them, need it). With snapshots (the
 * consumer), Put, Get and Delete of objects under {@code state/}, which a restart reads; no other object is read.
 * With Parquet results (the consumer), PutObject under {@code results-parquet/} and GetObject under
 * {@code results/} (the publisher merges spilled results too large for an item).
 * Narrower than CDK's {@code grantReadWrite}, which allows every object action on the whole bucket.
 */
final class ArchiveGrants {

    private ArchiveGrants() {
    }

    static void writeIntervals(IRole role, IBucket archive, boolean snapshots, boolean parquetResults) {
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(archive.getBucketArn()))
                .build());
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:PutObject"))
                .resources(ArchivePrefixes.ALL.stream().map(p -> archive.arnForObjects(p + "/*")).toList())
                .build());
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:DeleteObject"))
                .resources(List.of(archive.arnForObjects(ArchivePrefixes.DEADLETTER + "/*"),
                        archive.arnForObjects(ArchivePrefixes.LATE + "/*")))
                .build());
        List<String> prefixes = new ArrayList<>(ArchivePrefixes.ALL);
        if (snapshots) {
            role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .actions(List.of("s3:PutObject", "s3:GetObject", "s3:DeleteObject"))
                    .resources(List.of(archive.arnForObjects(ArchivePrefixes.STATE + "/*")))
                    .build());
            prefixes.add(ArchivePrefixes.STATE);
        }
        if (parquetResults) {
            role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .actions(List.of("s3:PutObject"))
                    .resources(List.of(archive.arnForObjects(ArchivePrefixes.RESULTS_PARQUET + "/*")))
                    .build());
            role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .actions(List.of("s3:GetObject"))
                    .resources(List.of(archive.arnForObjects(ArchivePrefixes.RESULTS + "/*")))
                    .build());
            prefixes.add(ArchivePrefixes.RESULTS_PARQUET);
        }
        Nag.suppress(role, "AwsSolutions-IAM5",
                "Interval, snapshot and Parquet result object keys are made at run time (stream or metric, date, "
                        + "hour, shard, sequence number): the object grants cover the archive's " + String.join("/, ", prefixes)
                        + "/ prefixes only.",
                List.of(Nag.regex("^Resource::.+/(" + String.join("|", prefixes) + ")/\\*$")));
    }
}
