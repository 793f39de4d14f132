package io.rtpipe.connectors.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Builds every AWS client rtpipe uses from one {@link AwsConfig}. Each call returns a new client the caller owns
 * and must close.
 */
public final class AwsClients {

    private final AwsConfig config;
    private final AwsCredentialsProvider credentials;

    public AwsClients(AwsConfig config) {
        this.config = config;
        this.credentials = credentialsProvider(config.credentials());
    }

    public AwsConfig config() {
        return config;
    }

    /**
     * Kinesis over HTTP/2 with many streams per connection, as KCL recommends; for an emulator's plain port
     * (no TLS) the same client speaks h2c, which kinesis-mock supports.
     */
    public KinesisAsyncClient kinesisAsync() {
        return kinesisAsync(overrides -> { });
    }

    /** {@link #kinesisAsync()} with client settings changed, e.g. a producer that does its own retries. */
    public KinesisAsyncClient kinesisAsync(Consumer<ClientOverrideConfiguration.Builder> overrides) {
        requireService(AwsConfig.Service.KINESIS);
        var builder = KinesisAsyncClient.builder()
                .overrideConfiguration(overrides)
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(Integer.MAX_VALUE)
                        .protocol(Protocol.HTTP2)
                        .connectionAcquisitionTimeout(Duration.ofSeconds(30)));
        config.kinesisEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** DynamoDB over HTTP/1.1 (dynalite speaks nothing else); KCL needs the async client. */
    public DynamoDbAsyncClient dynamoDbAsync() {
        requireService(AwsConfig.Service.DYNAMODB);
        var builder = DynamoDbAsyncClient.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1));
        config.dynamoDbEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    public DynamoDbClient dynamoDb() {
        requireService(AwsConfig.Service.DYNAMODB);
        var builder = DynamoDbClient.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder());
        config.dynamoDbEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** S3 with path-style addressing whenever the endpoint is overridden (emulators have no virtual hosts). */
    public S3Client s3() {
        requireService(AwsConfig.Service.S3);
        var builder = S3Client.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder());
        config.s3Endpoint().ifPresent(endpoint -> builder.endpointOverride(endpoint).forcePathStyle(true));
        return builder.build();
    }

    /** CloudWatch, which KCL requires even with metrics off; locally it points at an unused port. */
    public CloudWatchAsyncClient cloudWatchAsync() {
        requireService(AwsConfig.Service.CLOUDWATCH);
        var builder = CloudWatchAsyncClient.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(10)).build())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder());
        config.cloudWatchEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /**
     * Glue, for the Schema Registry's GetSchemaVersion. The SDK does not retry and a call gives up after 10 s: the
     * registry client retries with rtpipe's one schedule, {@code Backoff}, until the registry answers.
     */
    public GlueClient glue() {
        requireService(AwsConfig.Service.GLUE);
        var builder = GlueClient.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(10))
                        .retryStrategy(AwsRetryStrategy.doNotRetry()).build())
                .httpClientBuilder(ApacheHttpClient.builder());
        config.glueEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** Firehose, for the {@code firehose} output. */
    public FirehoseClient firehose() {
        requireService(AwsConfig.Service.FIREHOSE);
        var builder = FirehoseClient.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder());
        config.endpoint(AwsConfig.Service.FIREHOSE).ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** Lambda, for the {@code lambda} output (synchronous Invoke, so a function error is seen). */
    public LambdaClient lambda() {
        requireService(AwsConfig.Service.LAMBDA);
        var builder = LambdaClient.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder());
        config.endpoint(AwsConfig.Service.LAMBDA).ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** SNS, for alert notifications. */
    public SnsClient sns() {
        requireService(AwsConfig.Service.SNS);
        var builder = SnsClient.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder());
        config.endpoint(AwsConfig.Service.SNS).ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** EventBridge, for alert events. */
    public EventBridgeClient eventBridge() {
        requireService(AwsConfig.Service.EVENTBRIDGE);
        var builder = EventBridgeClient.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder());
        config.endpoint(AwsConfig.Service.EVENTBRIDGE).ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** A config limited to other services has no endpoint for this one: its calls would silently reach real AWS. */
    private void requireService(AwsConfig.Service service) {
        if (!config.services().contains(service)) {
            throw new IllegalStateException("this AWS config is for " + config.services() + " only, not " + service);
        }
    }

    private static AwsCredentialsProvider credentialsProvider(AwsConfig.Credentials credentials) {
        if (credentials instanceof AwsConfig.StaticKeys keys) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey()));
        }
        if (credentials instanceof AwsConfig.Profile profile) {
            return ProfileCredentialsProvider.create(profile.name());
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
