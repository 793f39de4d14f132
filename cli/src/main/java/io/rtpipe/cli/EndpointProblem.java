package io.rtpipe.cli;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * Turns an AWS call that failed against an overridden endpoint into one sentence naming the endpoint and what
 * answered there: nothing (connection refused, unknown host, no answer), or an HTTP server that is not the service.
 * The SDK's own message for the latter is a protocol detail ("First received frame was not SETTINGS"), so the
 * endpoint is probed once with a plain HTTP/1.1 request to tell the cases apart.
 */
final class EndpointProblem {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    private static final String REFUSED = " cannot be reached: connection refused (is the service running?)";

    private EndpointProblem() {
    }

    /**
     * @param service  the service's name as users know it, e.g. "Kinesis"
     * @param endpoint the overridden endpoint the call went to
     * @param source   where the endpoint came from, e.g. "--endpoint" or "AWS_ENDPOINT_URL_KINESIS"
     * @return the sentence (exit 1), or empty when the failure is a genuine answer of the service (e.g. access denied)
     */
    static Optional<CliException> of(String service, URI endpoint, String source, Throwable failure) {
        Throwable sdk = sdkCause(failure);
        if (sdk instanceof SdkServiceException answer && answer.requestId() != null) {
            return Optional.empty(); // every AWS service and emulator tags its answers with a request id
        }
        if (!(sdk instanceof SdkClientException) && !(sdk instanceof SdkServiceException)) {
            return Optional.empty();
        }
        String where = "the " + service + " endpoint " + endpoint + " (from " + source + ")";
        return Optional.of(new CliException(where + probe(service, endpoint).finding(), CliException.FAILED, failure));
    }

    /**
     * Probes an endpoint before any call goes there: empty if something answers HTTP, else the sentence (nothing
     * listens, unknown host, no answer). Cheaper than an API call and needs no permission.
     */
    static Optional<CliException> unreachable(String service, URI endpoint, String source) {
        Probe probe = probe(service, endpoint);
        return probe.httpAnswered() ? Optional.empty() : Optional.of(new CliException(
                "the " + service + " endpoint " + endpoint + " (from " + source + ")" + probe.finding(),
                CliException.FAILED));
    }

    /** @param finding the end of the sentence that starts with the endpoint */
    private record Probe(boolean httpAnswered, String finding) {
        static Probe answered(String finding) {
            return new Probe(true, finding);
        }

        static Probe failed(String finding) {
            return new Probe(false, finding);
        }
    }

    /** What the endpoint does with a plain HTTP request, as the end of the sentence that starts with it. */
    private static Probe probe(String service, URI endpoint) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(PROBE_TIMEOUT).build();
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/")).timeout(PROBE_TIMEOUT).GET().build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            String server = response.headers().firstValue("Server").map(s -> ", Server: " + s).orElse("");
            return Probe.answered(" is not " + service + ": an HTTP server answered there (HTTP "
                    + response.statusCode() + server + ")");
        } catch (HttpConnectTimeoutException e) {
            return Probe.failed(" cannot be reached: no connection within " + PROBE_TIMEOUT.toSeconds() + " s");
        } catch (HttpTimeoutException e) {
            return Probe.failed(" is not " + service + ": it accepted a connection but gave no HTTP answer within "
                    + PROBE_TIMEOUT.toSeconds() + " s");
        } catch (ConnectException e) {
            return Probe.failed(REFUSED);
        } catch (IOException e) {
            if (rootCause(e) instanceof UnknownHostException) {
                return Probe.failed(" cannot be reached: unknown host " + endpoint.getHost());
            }
            if (rootCause(e) instanceof ConnectException) {
                return Probe.failed(REFUSED);
            }
            return Probe.failed(" is not " + service + ": it accepted a connection but did not answer HTTP ("
                    + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Probe.failed(" did not answer before rtpipe was interrupted");
        }
    }

    private static Throwable sdkCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SdkServiceException || t instanceof SdkClientException) {
                return t;
            }
        }
        return failure;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
