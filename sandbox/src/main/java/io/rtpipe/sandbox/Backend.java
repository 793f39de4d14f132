package io.rtpipe.sandbox;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where the sandbox's AWS services run. Selected by the system property {@value #PROPERTY} or, failing that, the
 * environment variable {@value #ENV}; the default is {@link #EMULATORS}.
 */
public enum Backend {
    /** Local emulators started as child processes: kinesis-mock, dynalite, S3Mock. No Docker needed. */
    EMULATORS,
    /** LocalStack in a Docker container via Testcontainers. */
    LOCALSTACK,
    /** A real AWS account. Opt-in only: costs money and must never run in CI. */
    AWS;

    public static final String PROPERTY = "rtpipe.sandbox";
    public static final String ENV = "RTPIPE_SANDBOX";

    /** The name used in the property and environment variable, e.g. {@code emulators}. */
    public String settingValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a setting value (case-insensitive, surrounding blanks ignored).
     *
     * @throws SandboxException naming the allowed values if {@code value} is none of them
     */
    public static Backend parse(String value, String source) {
        String normalized = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(b -> b.settingValue().equals(normalized))
                .findFirst()
                .orElseThrow(() -> new SandboxException(source + " is '" + value + "' but must be one of "
                        + Arrays.stream(values()).map(Backend::settingValue).collect(Collectors.joining(", "))
                        + "."));
    }

    /** The backend selected by the system property, else the environment variable, if either is set. */
    public static Optional<Backend> selected(Map<String, String> systemProperties, Map<String, String> environment) {
        String property = systemProperties.get(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Optional.of(parse(property, "System property " + PROPERTY));
        }
        String env = environment.get(ENV);
        if (env != null && !env.isBlank()) {
            return Optional.of(parse(env, "Environment variable " + ENV));
        }
        return Optional.empty();
    }

    /** The backend this JVM selects: property, else environment, else {@link #EMULATORS}. */
    public static Backend fromSettings() {
        Map<String, String> properties = System.getProperties().entrySet().stream()
                .collect(Collectors.toMap(e -> String.valueOf(e.getKey()), e -> String.valueOf(e.getValue())));
        return selected(properties, System.getenv()).orElse(EMULATORS);
    }
}
