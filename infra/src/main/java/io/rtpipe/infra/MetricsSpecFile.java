package io.rtpipe.infra;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.OutputSpec;
import io.rtpipe.core.reference.ReferenceSpec;
import io.rtpipe.sql.SpecFiles;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.constructs.Construct;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The metric spec of {@code rtpipe:metricsFile}, validated at synth with {@link SpecFiles} (YAML, or SQL for {@code .sql}; a mistake stops
 * synth with the located sentence {@code rtpipe check} prints) and shipped to each component that runs the engine as
 * a CDK file asset: {@code cdk deploy} uploads it to the bootstrap assets bucket under its content hash, so the
 * consumer task and the analytics Lambda read the same bytes, and a changed spec is a new object and hence a new
 * task definition and function configuration (a rolling restart onto it).
 */
public final class MetricsSpecFile {

    private final Path file;
    private final EngineConfig engine;

    private MetricsSpecFile(Path file, EngineConfig engine) {
        this.file = file;
        this.engine = engine;
    }

    /**
     * The validated spec, or empty without {@code rtpipe:metricsFile} (the components run the built-in metric).
     *
     * @throws IllegalArgumentException one sentence: no such file, or the spec's first mistake, located
     */
    public static Optional<MetricsSpecFile> of(InfraSettings settings) {
        return settings.metricsFile().map(MetricsSpecFile::validated);
    }

    private static MetricsSpecFile validated(String name) {
        Path file = Path.of(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("rtpipe:metricsFile: no such file: " + file.toAbsolutePath().normalize()
                    + " (a relative path is taken from the folder cdk runs in).");
        }
        // A SpecException is an IllegalArgumentException whose message is the located sentence, as in the cli.
        EngineConfig engine = SpecFiles.load(file);
        for (ReferenceSpec reference : engine.references()) {
            if (reference.source() instanceof ReferenceSpec.LocalFile local) {
                throw new IllegalArgumentException("rtpipe:metricsFile: reference " + reference.name() + " reads the "
                        + "local file " + local.path() + ", which a deployed consumer does not have; put it in S3 "
                        + "(s3: s3://BUCKET/KEY) or DynamoDB.");
            }
        }
        return new MetricsSpecFile(file, engine);
    }

    /** The spec's metrics (the query stack declares a results table for each). */
    EngineConfig engine() {
        return engine;
    }

    /** Every output the spec's metrics name, once each: what the role publishing final results must reach. */
    List<OutputSpec> outputs() {
        return engine.metrics().stream().map(MetricSpec::outputs).flatMap(List::stream).distinct().toList();
    }

    /** Whether a metric sends alerts (an {@code sns} or {@code eventbridge} output), so the alert ledger is used. */
    boolean sendsAlerts() {
        return outputs().stream().anyMatch(output -> output.kind().carriesAlerts());
    }

    /**
     * Adds the spec as an asset of {@code scope}'s stack, lets {@code role} read exactly that object and nothing
     * else of the assets bucket, and what reading events by the spec needs ({@link SpecSourceGrants}), and returns
     * its {@code s3://BUCKET/KEY} for {@code RTPIPE_METRICS_FILE}.
     */
    String shipTo(Construct scope, IRole role) {
        SpecSourceGrants.grant(role, engine);
        Asset asset = Asset.Builder.create(scope, "MetricsSpec").path(file.toString()).build();
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetObject"))
                .resources(List.of(asset.getBucket().arnForObjects(asset.getS3ObjectKey())))
                .build());
        return asset.getS3ObjectUrl();
    }
}
