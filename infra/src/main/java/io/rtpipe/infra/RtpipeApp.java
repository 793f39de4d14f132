package io.rtpipe.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.rtpipe.core.engine.EngineConfig;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sqs.IQueue;

import java.util.Optional;

/**
 * The rtpipe CDK app: five environment-agnostic stacks (no account or region lookups, so {@code cdk synth} runs
 * offline) checked by cdk-nag's AWS Solutions rules.
 */
public final class RtpipeApp {

    /** The app's stacks, for tests and for callers that add to them. */
    public record Stacks(StreamStack stream, StorageStack storage, ConsumerStack consumer, FunctionsStack functions,
                         MonitoringStack monitoring, QueryStack query) {}

    private RtpipeApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        try {
            build(app, InfraSettings.fromContext(key -> app.getNode().tryGetContext(key)));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
        app.synth();
    }

    /** Adds the stacks to {@code app} and applies the cdk-nag AwsSolutions checks to all of them. */
    public static Stacks build(App app, InfraSettings settings) {
        // Feature flags, set here (before any stack exists) so tests and `cdk synth` build the same templates:
        // S3 server-access-log delivery by bucket policy rather than ACL (AWS's recommendation), and the
        // cross-stack reference strength CDK would otherwise warn about choosing by default.
        app.getNode().setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);
        app.getNode().setContext("@aws-cdk/core:defaultCrossStackReferences", "strong");
        // Before any stack: a bad spec stops synth with its sentence alone.
        Optional<MetricsSpecFile> metrics = MetricsSpecFile.of(settings);
        String p = settings.prefix();
        StackProps props = StackProps.builder().description("rtpipe real-time analytics pipeline").build();
        StreamStack stream = new StreamStack(app, p + "-stream", props, settings);
        StorageStack storage = new StorageStack(app, p + "-storage", props, settings);
        FunctionsStack functions = new FunctionsStack(app, p + "-functions", props, settings, metrics,
                stream.stream(), storage.archive(), storage.results());
        ConsumerStack consumer = new ConsumerStack(app, p + "-consumer", props, settings, metrics,
                stream.stream(), storage.archive(), storage.results(), storage.progress(), storage.alerts(),
                storage.leases());
        MonitoringStack monitoring = new MonitoringStack(app, p + "-monitoring", props, settings, stream.stream(),
                consumer.service(), functions.autoscaler(), functions.analytics().map(f -> (IFunction) f),
                functions.analyticsFailures().map(q -> (IQueue) q));
        QueryStack query = new QueryStack(app, p + "-query", props, settings,
                metrics.map(MetricsSpecFile::engine).orElseGet(() -> EngineConfig.builder().build()),
                stream.stream(), storage.archive(), storage.accessLogs());
        Tags.of(app).add("project", "rtpipe");
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
        return new Stacks(stream, storage, consumer, functions, monitoring, query);
    }
}
