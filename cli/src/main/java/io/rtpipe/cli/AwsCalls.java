package io.rtpipe.cli;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.connectors.aws.AwsConfig.Service;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

import java.net.URI;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A command's AWS access: its clients, and the calls that check the environment before work starts, so that a wrong
 * endpoint or a missing stream is one sentence ({@link EndpointProblem}) instead of an SDK stack trace.
 */
final class AwsCalls {

    private final AwsOptions options;
    private final AwsClients clients;

    /** @param services the services the command uses: only their endpoints are asked for */
    AwsCalls(AwsOptions options, Set<Service> services) {
        this.options = options;
        this.clients = new AwsClients(options.toConfig(services));
    }

    AwsClients clients() {
        return clients;
    }

    AwsConfig config() {
        return clients.config();
    }

    /** Runs {@code call} against {@code service}; a failure at an overridden endpoint becomes one sentence. */
    <T> T run(Service service, Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            Optional<URI> endpoint = config().endpoint(service);
            if (endpoint.isPresent()) {
                Optional<CliException> problem = EndpointProblem.of(AwsOptions.Endpoint.of(service).displayName,
                        endpoint.get(), options.source(service), e);
                if (problem.isPresent()) {
                    throw problem.get();
                }
            }
            throw e;
        }
    }

    /**
     * Checks, before any work starts, that something answers HTTP at the overridden endpoints of these services:
     * a consumer pointed at a dead port says so at once instead of failing inside KCL's start-up.
     *
     * @throws CliException (exit 1) naming the first endpoint that does not answer
     */
    void requireListening(Service... services) {
        for (Service service : services) {
            config().endpoint(service).flatMap(endpoint -> EndpointProblem.unreachable(
                    AwsOptions.Endpoint.of(service).displayName, endpoint, options.source(service)))
                    .ifPresent(problem -> {
                        throw problem;
                    });
        }
    }

    /** @throws CliException (exit 2) if the stream does not exist, or (exit 1) if Kinesis cannot be reached */
    void requireStream(String stream) {
        try (KinesisAsyncClient kinesis = clients.kinesisAsync()) {
            run(Service.KINESIS, () -> kinesis.describeStreamSummary(b -> b.streamName(stream)).join());
        } catch (RuntimeException e) {
            if (e.getCause() instanceof ResourceNotFoundException) {
                throw new CliException("stream '" + stream + "' does not exist in " + config().region()
                        + config().kinesisEndpoint().map(endpoint -> " at " + endpoint).orElse(""));
            }
            throw e;
        }
    }
}
