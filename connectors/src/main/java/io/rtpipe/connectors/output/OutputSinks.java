package io.rtpipe.connectors.output;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.connectors.aws.AwsConfig.Service;
import io.rtpipe.connectors.dynamodb.AlertLedger;
import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.OutputSpec;
import io.rtpipe.core.publish.FinalResultsSink;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The sinks of every output kind a spec names: a {@link ResultOutputSink} per row kind (kinesis, firehose, lambda),
 * an {@link AlertSink} per alert kind (sns, eventbridge), each over its own client except Kinesis, which shares the
 * caller's. Owns those clients: close it with the publisher.
 */
public final class OutputSinks implements AutoCloseable {
    private final List<FinalResultsSink> sinks;
    private final List<SdkClient> clients;

    private OutputSinks(List<FinalResultsSink> sinks, List<SdkClient> clients) {
        this.sinks = List.copyOf(sinks);
        this.clients = List.copyOf(clients);
    }

    /**
     * @param aws     the caller's AWS access; the outputs' services are added to it ({@link #withServices})
     * @param kinesis the Kinesis client the caller owns, for {@code kinesis} outputs
     * @param ledger  the alert ledger, used only if the spec has alert outputs
     * @throws IllegalArgumentException as {@link #withServices}
     */
    public static OutputSinks of(EngineConfig engine, AwsClients aws, KinesisAsyncClient kinesis,
                                 AlertLedger ledger, RetryPolicy retry) {
        AwsClients clients = new AwsClients(withServices(aws.config(), engine));
        List<FinalResultsSink> sinks = new ArrayList<>();
        List<SdkClient> owned = new ArrayList<>();
        for (OutputSpec.Kind kind : kinds(engine)) {
            OutputTransport transport = switch (kind) {
                case KINESIS -> new KinesisOutput(kinesis, retry);
                case FIREHOSE -> new FirehoseOutput(owned(owned, clients.firehose()), retry);
                case LAMBDA -> new LambdaOutput(owned(owned, clients.lambda()), retry);
                case SNS -> new SnsOutput(owned(owned, clients.sns()), retry);
                case EVENTBRIDGE -> new EventBridgeOutput(owned(owned, clients.eventBridge()), retry);
            };
            sinks.add(kind.carriesAlerts() ? new AlertSink(kind, ledger, transport)
                    : new ResultOutputSink(kind, transport));
        }
        return new OutputSinks(sinks, owned);
    }

    private static <C extends SdkClient> C owned(List<SdkClient> owned, C client) {
        owned.add(client);
        return client;
    }

    /** One sink per output kind the spec names, in {@link OutputSpec.Kind} order; empty without outputs. */
    public List<FinalResultsSink> sinks() {
        return sinks;
    }

    /** Whether a metric of the spec sends alerts, so the alert ledger's table is needed. */
    public static boolean needsAlertLedger(EngineConfig engine) {
        return kinds(engine).stream().anyMatch(OutputSpec.Kind::carriesAlerts);
    }

    /** The AWS services the spec's outputs call. */
    public static Set<Service> services(EngineConfig engine) {
        Set<Service> services = EnumSet.noneOf(Service.class);
        kinds(engine).forEach(kind -> services.add(service(kind)));
        return services;
    }

    /**
     * {@code aws} with the outputs' services added. A config whose endpoints are overridden (emulators) must have
     * theirs too: no emulator has Firehose, Lambda, SNS or EventBridge, and without an endpoint their calls would go
     * to real AWS.
     *
     * @throws IllegalArgumentException one sentence naming the outputs and the variables to set
     */
    public static AwsConfig withServices(AwsConfig aws, EngineConfig engine) {
        Set<Service> needed = services(engine);
        if (aws.services().containsAll(needed)) {
            return aws;
        }
        if (aws.isLocal()) {
            Set<Service> missing = needed.stream().filter(service -> aws.endpoint(service).isEmpty())
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(Service.class)));
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(endpointsMissing(engine, missing));
            }
        }
        Set<Service> services = EnumSet.copyOf(aws.services());
        services.addAll(needed);
        return aws.toBuilder().services(services).build();
    }

    /**
     * The sentence refusing a local run whose outputs call {@code missing} services without an endpoint, naming the
     * outputs and the variables to set.
     */
    public static String endpointsMissing(EngineConfig engine, Set<Service> missing) {
        return "the spec's outputs " + outputsOf(engine, missing) + " need real endpoints, as no emulator has "
                + missing + ": set " + missing.stream().map(OutputSinks::endpointVariable)
                .collect(Collectors.joining(", ")) + ", else their calls would reach real AWS";
    }

    /** The SDK's variable of a service's endpoint, {@code AWS_ENDPOINT_URL_<SERVICE>}, which rtpipe reads too. */
    public static String endpointVariable(Service service) {
        return "AWS_ENDPOINT_URL_" + service.name();
    }

    private static String outputsOf(EngineConfig engine, Set<Service> services) {
        return engine.metrics().stream().flatMap(metric -> metric.outputs().stream())
                .filter(output -> services.contains(service(output.kind())))
                .map(output -> output.kind().specName() + ": " + output.target())
                .collect(Collectors.toCollection(TreeSet::new)).toString();
    }

    private static Service service(OutputSpec.Kind kind) {
        return switch (kind) {
            case KINESIS -> Service.KINESIS;
            case FIREHOSE -> Service.FIREHOSE;
            case LAMBDA -> Service.LAMBDA;
            case SNS -> Service.SNS;
            case EVENTBRIDGE -> Service.EVENTBRIDGE;
        };
    }

    private static Set<OutputSpec.Kind> kinds(EngineConfig engine) {
        Set<OutputSpec.Kind> kinds = EnumSet.noneOf(OutputSpec.Kind.class);
        engine.metrics().forEach(metric -> metric.outputs().forEach(output -> kinds.add(output.kind())));
        return kinds;
    }

    @Override
    public void close() {
        clients.forEach(SdkClient::close);
    }
}
