package io.rtpipe.connectors.aws;

import java.net.URI;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where and as whom rtpipe talks to AWS: one object for every service, so a local run can never send one service's
 * calls to real AWS by forgetting its endpoint (a common KCL pitfall). Immutable; build with {@link #builder()}.
 *
 * <p>Defaults: region {@code us-east-1}; the SDK's default credential chain; no endpoint overrides (real AWS); the
 * {@link #DEFAULT_SERVICES} used. A config limited to some services (a producer needs only Kinesis) asks endpoints
 * only for those, and {@link AwsClients} refuses to build clients for the others.
 */
public final class AwsConfig {

    /** The services rtpipe talks to. */
    public enum Service { KINESIS, DYNAMODB, S3, CLOUDWATCH, GLUE, FIREHOSE, LAMBDA, SNS, EVENTBRIDGE }

    /**
     * What a config uses unless told otherwise: the four services a consumer always talks to. The others are added
     * by whoever needs them, so a local run without their endpoints still builds: Glue by a spec whose decoder reads
     * the Glue Schema Registry (connectors' {@code SchemaRegistries}), the outputs' services (Firehose, Lambda, SNS,
     * EventBridge) by whoever publishes to them.
     */
    public static final Set<Service> DEFAULT_SERVICES =
            Set.copyOf(EnumSet.of(Service.KINESIS, Service.DYNAMODB, Service.S3, Service.CLOUDWATCH));

    /** Which credentials the clients use. */
    public sealed interface Credentials permits StaticKeys, Profile, DefaultChain {}

    /** Fixed keys: tests, emulators and LocalStack. */
    public record StaticKeys(String accessKeyId, String secretAccessKey) implements Credentials {
        public StaticKeys {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        }
    }

    /** A named profile from the user's AWS config files. */
    public record Profile(String name) implements Credentials {
        public Profile {
            Objects.requireNonNull(name, "name");
        }
    }

    /** The SDK's default chain (environment, profile, container or instance role). Real AWS only. */
    public record DefaultChain() implements Credentials {}

    private final String region;
    private final Credentials credentials;
    private final URI kinesisEndpoint;
    private final URI dynamoDbEndpoint;
    private final URI s3Endpoint;
    private final URI cloudWatchEndpoint;
    private final URI glueEndpoint;
    private final URI firehoseEndpoint;
    private final URI lambdaEndpoint;
    private final URI snsEndpoint;
    private final URI eventBridgeEndpoint;
    private final Set<Service> services;

    private AwsConfig(Builder b) {
        this.region = Objects.requireNonNull(b.region, "region");
        this.credentials = Objects.requireNonNull(b.credentials, "credentials");
        this.kinesisEndpoint = b.kinesisEndpoint;
        this.dynamoDbEndpoint = b.dynamoDbEndpoint;
        this.s3Endpoint = b.s3Endpoint;
        this.cloudWatchEndpoint = b.cloudWatchEndpoint;
        this.glueEndpoint = b.glueEndpoint;
        this.firehoseEndpoint = b.firehoseEndpoint;
        this.lambdaEndpoint = b.lambdaEndpoint;
        this.snsEndpoint = b.snsEndpoint;
        this.eventBridgeEndpoint = b.eventBridgeEndpoint;
        this.services = Set.copyOf(b.services);
        if (services.isEmpty()) {
            throw new IllegalArgumentException("an AWS config needs at least one service");
        }
        long overridden = services.stream().filter(service -> endpoint(service).isPresent()).count();
        if (overridden != 0 && overridden != services.size()) {
            throw new IllegalArgumentException("endpoint overrides must be set for all of " + services
                    + " or for none, else some calls would go to real AWS; got " + this);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .region(region)
                .credentials(credentials)
                .kinesisEndpoint(kinesisEndpoint)
                .dynamoDbEndpoint(dynamoDbEndpoint)
                .s3Endpoint(s3Endpoint)
                .cloudWatchEndpoint(cloudWatchEndpoint)
                .glueEndpoint(glueEndpoint)
                .firehoseEndpoint(firehoseEndpoint)
                .lambdaEndpoint(lambdaEndpoint)
                .snsEndpoint(snsEndpoint)
                .eventBridgeEndpoint(eventBridgeEndpoint)
                .services(services);
    }

    public String region() {
        return region;
    }

    public Credentials credentials() {
        return credentials;
    }

    public Optional<URI> kinesisEndpoint() {
        return Optional.ofNullable(kinesisEndpoint);
    }

    public Optional<URI> dynamoDbEndpoint() {
        return Optional.ofNullable(dynamoDbEndpoint);
    }

    public Optional<URI> s3Endpoint() {
        return Optional.ofNullable(s3Endpoint);
    }

    public Optional<URI> cloudWatchEndpoint() {
        return Optional.ofNullable(cloudWatchEndpoint);
    }

    public Optional<URI> glueEndpoint() {
        return Optional.ofNullable(glueEndpoint);
    }

    /** The endpoint override of one service, if any. */
    public Optional<URI> endpoint(Service service) {
        return Optional.ofNullable(switch (service) {
            case KINESIS -> kinesisEndpoint;
            case DYNAMODB -> dynamoDbEndpoint;
            case S3 -> s3Endpoint;
            case CLOUDWATCH -> cloudWatchEndpoint;
            case GLUE -> glueEndpoint;
            case FIREHOSE -> firehoseEndpoint;
            case LAMBDA -> lambdaEndpoint;
            case SNS -> snsEndpoint;
            case EVENTBRIDGE -> eventBridgeEndpoint;
        });
    }

    /** The services clients may be built for. */
    public Set<Service> services() {
        return services;
    }

    /** True when every service used is overridden to a local or emulated endpoint. */
    public boolean isLocal() {
        return endpoint(services.iterator().next()).isPresent();
    }

    @Override
    public String toString() {
        return "AwsConfig{region=" + region + ", credentials=" + credentials.getClass().getSimpleName()
                + ", kinesis=" + kinesisEndpoint + ", dynamodb=" + dynamoDbEndpoint + ", s3=" + s3Endpoint
                + ", cloudwatch=" + cloudWatchEndpoint + (services.contains(Service.GLUE) ? ", glue=" + glueEndpoint
                : "") + ", firehose=" + firehoseEndpoint + ", lambda=" + lambdaEndpoint
                + ", sns=" + snsEndpoint + ", eventbridge=" + eventBridgeEndpoint + "}";
    }

    public static final class Builder {
        private String region = "us-east-1";
        private Credentials credentials = new DefaultChain();
        private URI kinesisEndpoint;
        private URI dynamoDbEndpoint;
        private URI s3Endpoint;
        private URI cloudWatchEndpoint;
        private URI glueEndpoint;
        private URI firehoseEndpoint;
        private URI lambdaEndpoint;
        private URI snsEndpoint;
        private URI eventBridgeEndpoint;
        private Set<Service> services = EnumSet.copyOf(DEFAULT_SERVICES);

        private Builder() {
        }

        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder credentials(Credentials credentials) {
            this.credentials = credentials;
            return this;
        }

        /** Sends every service to one endpoint (LocalStack's single edge port). */
        public Builder endpoint(URI endpoint) {
            return kinesisEndpoint(endpoint).dynamoDbEndpoint(endpoint).s3Endpoint(endpoint).cloudWatchEndpoint(endpoint)
                    .glueEndpoint(endpoint).firehoseEndpoint(endpoint).lambdaEndpoint(endpoint).snsEndpoint(endpoint)
                    .eventBridgeEndpoint(endpoint);
        }

        public Builder kinesisEndpoint(URI endpoint) {
            this.kinesisEndpoint = endpoint;
            return this;
        }

        public Builder dynamoDbEndpoint(URI endpoint) {
            this.dynamoDbEndpoint = endpoint;
            return this;
        }

        public Builder s3Endpoint(URI endpoint) {
            this.s3Endpoint = endpoint;
            return this;
        }

        public Builder cloudWatchEndpoint(URI endpoint) {
            this.cloudWatchEndpoint = endpoint;
            return this;
        }

        /** The Glue endpoint (the Schema Registry's GetSchemaVersion), used when the services include GLUE. */
        public Builder glueEndpoint(URI endpoint) {
            this.glueEndpoint = endpoint;
            return this;
        }

        public Builder firehoseEndpoint(URI endpoint) {
            this.firehoseEndpoint = endpoint;
            return this;
        }

        public Builder lambdaEndpoint(URI endpoint) {
            this.lambdaEndpoint = endpoint;
            return this;
        }

        public Builder snsEndpoint(URI endpoint) {
            this.snsEndpoint = endpoint;
            return this;
        }

        public Builder eventBridgeEndpoint(URI endpoint) {
            this.eventBridgeEndpoint = endpoint;
            return this;
        }

        /**
         * Limits the config to these services (default: {@link #DEFAULT_SERVICES}): only their endpoints need
         * overriding.
         */
        public Builder services(Set<Service> services) {
            this.services = EnumSet.copyOf(services);
            return this;
        }

        public AwsConfig build() {
            return new AwsConfig(this);
        }
    }
}
