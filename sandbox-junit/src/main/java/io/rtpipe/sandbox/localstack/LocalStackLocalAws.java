package io.rtpipe.sandbox.localstack;

import io.rtpipe.sandbox.Backend;
import io.rtpipe.sandbox.ProvisionedLocalAws;
import io.rtpipe.sandbox.SandboxConfig;
import io.rtpipe.sandbox.SandboxException;
import io.rtpipe.sandbox.SandboxUnavailableException;
import io.rtpipe.connectors.aws.AwsConfig;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.utility.DockerImageName;


/**
 * {@link Backend#LOCALSTACK}: LocalStack in a Docker container via Testcontainers (which removes the container when
 * stopped, and by its Ryuk reaper if this JVM dies). Without a Docker engine it is {@link SandboxUnavailableException
 * unavailable}, so tests skip. Test-only (Testcontainers stays out of the cli jar): {@link io.rtpipe.sandbox.Sandbox}
 * finds it through {@link LocalStackBackend}, a {@link io.rtpipe.sandbox.BackendProvider} service.
 */
final class LocalStackLocalAws extends ProvisionedLocalAws {

    private final LocalStackContainer container;

    private LocalStackLocalAws(LocalStackContainer container, AwsConfig awsConfig, SandboxConfig config) {
        super(awsConfig, config);
        this.container = container;
    }

    static LocalStackLocalAws start(SandboxConfig config) {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new SandboxUnavailableException("The localstack sandbox needs a running Docker engine and "
                    + "Testcontainers found none; start Docker or choose the emulators backend ("
                    + Backend.ENV + "=emulators or -D" + Backend.PROPERTY + "=emulators).");
        }
        var container = new LocalStackContainer(DockerImageName.parse(config.localStackImage()))
                .withServices(Service.KINESIS, Service.DYNAMODB, Service.S3, Service.CLOUDWATCH)
                // LocalStack delays every Kinesis call by 500 ms unless told otherwise.
                .withEnv("KINESIS_LATENCY", "0")
                .withStartupTimeout(config.startTimeout());
        try {
            container.start();
            AwsConfig awsConfig = AwsConfig.builder()
                    .region(config.region())
                    .credentials(new AwsConfig.StaticKeys(container.getAccessKey(), container.getSecretKey()))
                    .endpoint(container.getEndpoint())
                    .build();
            return new LocalStackLocalAws(container, awsConfig, config);
        } catch (RuntimeException e) {
            container.stop();
            throw new SandboxException("LocalStack (" + config.localStackImage() + ") did not start: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Backend backend() {
        return Backend.LOCALSTACK;
    }

    @Override
    public void close() {
        closeProvisioner();
        container.stop();
    }

    @Override
    public String toString() {
        return "LocalAws{localstack " + container.getDockerImageName() + ", " + awsConfig + "}";
    }
}
