package io.rtpipe.sandbox;

import io.rtpipe.connectors.aws.AwsConfig;

import java.util.List;
import java.util.Optional;

/**
 * What every backend shares: its {@link AwsConfig} and a {@link Provisioner} that creates streams and buckets there.
 * Backends add how they start and stop, and the faults and processes they have (none by default).
 */
public abstract class ProvisionedLocalAws implements LocalAws {

    protected final AwsConfig awsConfig;
    final Provisioner provisioner;
    private final String region;

    protected ProvisionedLocalAws(AwsConfig awsConfig, SandboxConfig config) {
        this.awsConfig = awsConfig;
        this.region = config.region();
        this.provisioner = new Provisioner(awsConfig, config.startTimeout());
    }

    /** Closes the clients the provisioner opened; every backend's {@code close()} calls it. */
    protected void closeProvisioner() {
        provisioner.close();
    }

    @Override
    public AwsConfig awsConfig() {
        return awsConfig;
    }

    @Override
    public void createStream(String name, int shards) {
        provisioner.createStream(name, shards);
    }

    @Override
    public void createBucket(String name) {
        provisioner.createBucket(name, region);
    }

    @Override
    public Optional<FaultInjection> faults() {
        return Optional.empty();
    }

    @Override
    public List<RunningProcess> processes() {
        return List.of();
    }
}
