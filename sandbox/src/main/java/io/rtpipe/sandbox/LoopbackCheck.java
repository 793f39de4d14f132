package io.rtpipe.sandbox;

import io.rtpipe.connectors.aws.AwsConfig;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Refuses a local configuration that would let any call leave the machine: local tests that silently hit real AWS
 * (an endpoint left unset, usually DynamoDB or CloudWatch under KCL) are a classic pitfall.
 */
final class LoopbackCheck {

    private LoopbackCheck() {
    }

    /** @throws SandboxException naming every service whose endpoint is missing or not a loopback address */
    static void requireLoopback(AwsConfig config) {
        Map<String, Optional<URI>> endpoints = new LinkedHashMap<>();
        endpoints.put("Kinesis", config.kinesisEndpoint());
        endpoints.put("DynamoDB", config.dynamoDbEndpoint());
        endpoints.put("S3", config.s3Endpoint());
        endpoints.put("CloudWatch", config.cloudWatchEndpoint());
        var offenders = new StringBuilder();
        endpoints.forEach((service, endpoint) -> {
            if (endpoint.isEmpty() || !isLoopback(endpoint.get())) {
                offenders.append(offenders.length() == 0 ? "" : ", ")
                        .append(service).append('=').append(endpoint.map(URI::toString).orElse("real AWS"));
            }
        });
        if (offenders.length() > 0) {
            throw new SandboxException("Refusing to start: a local sandbox must send every AWS call to this machine, "
                    + "but these endpoints are not loopback: " + offenders + ".");
        }
    }

    /** Loopback by its literal name or address only; never resolves a name (that could itself leave the machine). */
    static boolean isLoopback(URI endpoint) {
        String host = endpoint.getHost();
        if (host == null) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            return true;
        }
        return host.equals("::1") || host.equals("0:0:0:0:0:0:0:1");
    }
}
