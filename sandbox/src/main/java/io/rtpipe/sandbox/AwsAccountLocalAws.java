package io.rtpipe.sandbox;

import io.rtpipe.connectors.aws.AwsConfig;


/**
 * {@link Backend#AWS}: a real account, with the configured profile (or the SDK's default chain) and region. Only when
 * explicitly selected, never in CI. It starts nothing; close() deletes the streams and buckets it created, because
 * they cost money.
 */
final class AwsAccountLocalAws extends ProvisionedLocalAws {

    private AwsAccountLocalAws(AwsConfig awsConfig, SandboxConfig config) {
        super(awsConfig, config);
    }

    /**
     * @param environment the process environment (a parameter so the CI refusal can be tested)
     */
    static AwsAccountLocalAws start(SandboxConfig config, java.util.Map<String, String> environment) {
        if ("true".equalsIgnoreCase(environment.getOrDefault("CI", ""))) {
            throw new SandboxException("The aws sandbox backend uses a real AWS account and is refused in CI "
                    + "(CI=true); use the emulators or localstack backend there.");
        }
        AwsConfig awsConfig = AwsConfig.builder()
                .region(config.region())
                .credentials(config.awsProfile()
                        .<AwsConfig.Credentials>map(AwsConfig.Profile::new)
                        .orElseGet(AwsConfig.DefaultChain::new))
                .build();
        return new AwsAccountLocalAws(awsConfig, config);
    }

    @Override
    public Backend backend() {
        return Backend.AWS;
    }

    @Override
    public void close() {
        provisioner.deleteCreated();
        provisioner.close();
    }

    @Override
    public String toString() {
        return "LocalAws{aws, " + awsConfig + "}";
    }
}
