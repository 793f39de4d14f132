package io.rtpipe.cli;

import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.connectors.aws.AwsConfig.Service;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;

import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where and as whom the commands talk to AWS, by the AWS CLI's and SDK's conventions; a flag always beats the
 * environment.
 * <ul>
 *   <li>Region: {@code --region}, {@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, then the region of the profile
 *       ({@code --profile}, {@code AWS_PROFILE}, else {@code default}) in the AWS config file.</li>
 *   <li>Endpoint of a service: its flag ({@code --kinesis-endpoint}, ...), {@code --endpoint}, the SDK's
 *       service-specific {@code AWS_ENDPOINT_URL_<SERVICE>}, {@code AWS_ENDPOINT_URL}, then the deprecated
 *       {@code RTPIPE_<SERVICE>_ENDPOINT} / {@code RTPIPE_ENDPOINT} (with a warning). The environment is skipped when
 *       {@code AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true}, as the SDK does.</li>
 * </ul>
 * A command asks only for the services it uses ({@code produce}: Kinesis), so only their endpoints must be set.
 */
public final class AwsOptions {

    /** How each service is named on the command line, in the environment and in messages. */
    enum Endpoint {
        KINESIS(Service.KINESIS, "--kinesis-endpoint", "KINESIS", "Kinesis"),
        DYNAMODB(Service.DYNAMODB, "--dynamodb-endpoint", "DYNAMODB", "DynamoDB"),
        S3(Service.S3, "--s3-endpoint", "S3", "S3"),
        CLOUDWATCH(Service.CLOUDWATCH, "--cloudwatch-endpoint", "CLOUDWATCH", "CloudWatch"),
        GLUE(Service.GLUE, "--glue-endpoint", "GLUE", "Glue"),
        FIREHOSE(Service.FIREHOSE, "--firehose-endpoint", "FIREHOSE", "Firehose"),
        LAMBDA(Service.LAMBDA, "--lambda-endpoint", "LAMBDA", "Lambda"),
        SNS(Service.SNS, "--sns-endpoint", "SNS", "SNS"),
        EVENTBRIDGE(Service.EVENTBRIDGE, "--eventbridge-endpoint", "EVENTBRIDGE", "EventBridge");

        final Service service;
        final String flag;
        /** The SDK's service id in {@code AWS_ENDPOINT_URL_<id>}. */
        final String envId;
        final String displayName;

        Endpoint(Service service, String flag, String envId, String displayName) {
            this.service = service;
            this.flag = flag;
            this.envId = envId;
            this.displayName = displayName;
        }

        static Endpoint of(Service service) {
            return valueOf(service.name());
        }

        String env() {
            return "AWS_ENDPOINT_URL_" + envId;
        }

        String deprecatedEnv() {
            return "RTPIPE_" + envId + "_ENDPOINT";
        }
    }

    /**
     * The four services a consumer needs (Glue is added by a spec that reads the Glue Schema Registry, the outputs'
     * services by a spec that names outputs).
     */
    static final Set<Service> ALL = AwsConfig.DEFAULT_SERVICES;

    @Option(names = "--region",
            description = "AWS region (default: env AWS_REGION, AWS_DEFAULT_REGION, then the profile's region).")
    String region;

    @Option(names = "--profile",
            description = "Credentials and region profile (env AWS_PROFILE); default: the SDK's default chain.")
    String profile;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "One endpoint for every service, e.g. LocalStack's http://localhost:4566 "
                    + "(env AWS_ENDPOINT_URL).")
    String endpoint;

    @Option(names = "--kinesis-endpoint", paramLabel = "URL",
            description = "Kinesis endpoint (env AWS_ENDPOINT_URL_KINESIS).")
    String kinesisEndpoint;

    @Option(names = "--dynamodb-endpoint", paramLabel = "URL",
            description = "DynamoDB endpoint (env AWS_ENDPOINT_URL_DYNAMODB).")
    String dynamoDbEndpoint;

    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3 endpoint (env AWS_ENDPOINT_URL_S3).")
    String s3Endpoint;

    @Option(names = "--cloudwatch-endpoint", paramLabel = "URL",
            description = "CloudWatch endpoint (env AWS_ENDPOINT_URL_CLOUDWATCH).")
    String cloudWatchEndpoint;

    @Option(names = "--glue-endpoint", paramLabel = "URL",
            description = "Glue endpoint, for a spec whose decoder reads the Glue Schema Registry "
                    + "(env AWS_ENDPOINT_URL_GLUE).")
    String glueEndpoint;

    @Option(names = "--firehose-endpoint", paramLabel = "URL",
            description = "Firehose endpoint, for a spec with firehose outputs (env AWS_ENDPOINT_URL_FIREHOSE).")
    String firehoseEndpoint;

    @Option(names = "--lambda-endpoint", paramLabel = "URL",
            description = "Lambda endpoint, for a spec with lambda outputs (env AWS_ENDPOINT_URL_LAMBDA).")
    String lambdaEndpoint;

    @Option(names = "--sns-endpoint", paramLabel = "URL",
            description = "SNS endpoint, for a spec with sns alerts (env AWS_ENDPOINT_URL_SNS).")
    String snsEndpoint;

    @Option(names = "--eventbridge-endpoint", paramLabel = "URL",
            description = "EventBridge endpoint, for a spec with eventbridge alerts "
                    + "(env AWS_ENDPOINT_URL_EVENTBRIDGE).")
    String eventBridgeEndpoint;

    private final Map<String, String> env;
    private final PrintStream warnings;
    /** Where each resolved endpoint came from (a flag or an environment variable), for messages. */
    private final Map<Service, String> sources = new EnumMap<>(Service.class);
    /** The deprecated variables already warned about. */
    private final Set<String> warned = new HashSet<>();

    /** Reads the process environment; picocli's default factory uses this. */
    AwsOptions() {
        this(System.getenv(), System.err);
    }

    AwsOptions(Map<String, String> env, PrintStream warnings) {
        this.env = Map.copyOf(env);
        this.warnings = warnings;
    }

    /**
     * @param services the services the command talks to: endpoints are resolved, and must be all set or none,
     *                 for these only
     * @throws CliException (exit 2) for a malformed URL, a partial endpoint set, or no region anywhere
     */
    AwsConfig toConfig(Set<Service> services) {
        AwsConfig.Builder builder = AwsConfig.builder().services(services).region(resolveRegion());
        String profileName = profileName();
        if (profileName != null) {
            builder.credentials(new AwsConfig.Profile(profileName));
        }
        List<Endpoint> set = new ArrayList<>();
        List<Endpoint> unset = new ArrayList<>();
        for (Endpoint e : Endpoint.values()) {
            URI uri = resolveEndpoint(e);
            override(builder, e, uri);
            if (!services.contains(e.service)) {
                // Carried along unchecked: a spec adds these services (Glue for its schema registry, the outputs'
                // services for its outputs), and then the endpoint must be set if the others are (AwsConfig refuses
                // a partial override, and the spec's loader says which variable to set).
                continue;
            }
            (uri == null ? unset : set).add(e);
        }
        if (!set.isEmpty() && !unset.isEmpty()) {
            throw new CliException("endpoints are set for " + names(set) + " ("
                    + set.stream().map(e -> sources.get(e.service)).distinct().collect(Collectors.joining(", "))
                    + ") but not for " + names(unset) + ": set all (--endpoint or AWS_ENDPOINT_URL sets every one) "
                    + "or none, as a partial override would send some calls to real AWS");
        }
        return builder.build();
    }

    private static void override(AwsConfig.Builder builder, Endpoint e, URI uri) {
        switch (e) {
            case KINESIS -> builder.kinesisEndpoint(uri);
            case DYNAMODB -> builder.dynamoDbEndpoint(uri);
            case S3 -> builder.s3Endpoint(uri);
            case CLOUDWATCH -> builder.cloudWatchEndpoint(uri);
            case GLUE -> builder.glueEndpoint(uri);
            case FIREHOSE -> builder.firehoseEndpoint(uri);
            case LAMBDA -> builder.lambdaEndpoint(uri);
            case SNS -> builder.snsEndpoint(uri);
            case EVENTBRIDGE -> builder.eventBridgeEndpoint(uri);
        }
    }

    /**
     * Shell lines that point these options (and the AWS CLI) at {@code config}: {@code export NAME=value} for the
     * region, every overridden endpoint and static credentials.
     */
    public static List<String> exportLines(AwsConfig config) {
        List<String> lines = new ArrayList<>();
        lines.add("export AWS_REGION=" + config.region());
        for (Endpoint e : Endpoint.values()) {
            config.endpoint(e.service).ifPresent(uri -> lines.add("export " + e.env() + "=" + uri));
        }
        if (config.credentials() instanceof AwsConfig.StaticKeys keys) {
            lines.add("export AWS_ACCESS_KEY_ID=" + keys.accessKeyId());
            lines.add("export AWS_SECRET_ACCESS_KEY=" + keys.secretAccessKey());
        }
        if (config.isLocal()) {
            lines.add("export AWS_EC2_METADATA_DISABLED=true");
        }
        return lines;
    }

    /** Where the endpoint of a service came from, e.g. {@code --endpoint} or {@code AWS_ENDPOINT_URL_KINESIS}. */
    String source(Service service) {
        return sources.getOrDefault(service, "the SDK's default");
    }

    private String resolveRegion() {
        if (present(region)) {
            return region;
        }
        for (String variable : List.of("AWS_REGION", "AWS_DEFAULT_REGION")) {
            if (present(env.get(variable))) {
                return env.get(variable);
            }
        }
        String profileName = present(profileName()) ? profileName() : "default";
        String configFile = env.get("AWS_CONFIG_FILE");
        try {
            if (present(configFile) && !Files.isRegularFile(Path.of(configFile))) {
                throw SdkClientException.create("no config file " + configFile);
            }
            Region fromProfile = new AwsProfileRegionProvider(this::profileFile, profileName).getRegion();
            if (fromProfile != null) {
                return fromProfile.id();
            }
        } catch (SdkClientException noRegionInProfile) {
            // falls through to the sentence below
        }
        throw new CliException("no AWS region is set: pass --region, set AWS_REGION or AWS_DEFAULT_REGION, or add "
                + "region to profile '" + profileName + "' in the AWS config file");
    }

    /** The config file the SDK would read, following {@code AWS_CONFIG_FILE} of this environment. */
    private ProfileFile profileFile() {
        String configFile = env.get("AWS_CONFIG_FILE");
        return present(configFile)
                ? ProfileFile.builder().content(Path.of(configFile)).type(ProfileFile.Type.CONFIGURATION).build()
                : ProfileFile.defaultProfileFile();
    }

    private String profileName() {
        return present(profile) ? profile : env.get("AWS_PROFILE");
    }

    private URI resolveEndpoint(Endpoint e) {
        String flagValue = switch (e) {
            case KINESIS -> kinesisEndpoint;
            case DYNAMODB -> dynamoDbEndpoint;
            case S3 -> s3Endpoint;
            case CLOUDWATCH -> cloudWatchEndpoint;
            case GLUE -> glueEndpoint;
            case FIREHOSE -> firehoseEndpoint;
            case LAMBDA -> lambdaEndpoint;
            case SNS -> snsEndpoint;
            case EVENTBRIDGE -> eventBridgeEndpoint;
        };
        if (flagValue != null) {
            return uri(e, e.flag, flagValue);
        }
        if (endpoint != null) {
            return uri(e, "--endpoint", endpoint);
        }
        if ("true".equalsIgnoreCase(env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))) {
            return null;
        }
        for (String variable : List.of(e.env(), "AWS_ENDPOINT_URL", e.deprecatedEnv(), "RTPIPE_ENDPOINT")) {
            if (present(env.get(variable))) {
                // Once per variable, though every service (nine of them) may be resolved from it.
                if (variable.startsWith("RTPIPE_") && warned.add(variable)) {
                    warnings.println("rtpipe: " + variable + " is deprecated; set "
                            + (variable.equals("RTPIPE_ENDPOINT") ? "AWS_ENDPOINT_URL" : e.env()) + " instead");
                }
                return uri(e, variable, env.get(variable));
            }
        }
        return null;
    }

    private URI uri(Endpoint e, String source, String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new CliException(source + " must be an http(s) URL such as http://localhost:4566, got '"
                        + value + "'");
            }
            sources.put(e.service, source);
            return uri;
        } catch (URISyntaxException ex) {
            throw new CliException(source + " is not a valid URL: '" + value + "'");
        }
    }

    private static String names(List<Endpoint> endpoints) {
        List<String> names = endpoints.stream().map(e -> e.displayName).toList();
        return names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
