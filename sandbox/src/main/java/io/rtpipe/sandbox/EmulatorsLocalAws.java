package io.rtpipe.sandbox;

import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.sandbox.emulators.EmulatorSet;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/** {@link Backend#EMULATORS}: kinesis-mock, dynalite and S3Mock as child processes of this JVM. */
final class EmulatorsLocalAws extends ProvisionedLocalAws implements FaultInjection {

    /** The GetRecords page size {@link #getRecordsLimit} aims at. */
    static final int KINESIS_MOCK_PAGE_BYTES = 2 * 1024 * 1024;

    private final EmulatorSet emulators;

    private EmulatorsLocalAws(EmulatorSet emulators, AwsConfig awsConfig, SandboxConfig config) {
        super(awsConfig, config);
        this.emulators = emulators;
    }

    static EmulatorsLocalAws start(SandboxConfig config, java.nio.file.Path workDir) {
        EmulatorSet emulators = EmulatorSet.start(workDir, config.cacheDir(), config.region(), config.startTimeout());
        try {
            AwsConfig awsConfig = AwsConfig.builder()
                    .region(config.region())
                    .credentials(new AwsConfig.StaticKeys("test", "test"))
                    .kinesisEndpoint(emulators.kinesisEndpoint())
                    .dynamoDbEndpoint(emulators.dynamoDbEndpoint())
                    .s3Endpoint(emulators.s3Endpoint())
                    .cloudWatchEndpoint(emulators.cloudWatchEndpoint())
                    .build();
            LoopbackCheck.requireLoopback(awsConfig);
            return new EmulatorsLocalAws(emulators, awsConfig, config);
        } catch (RuntimeException e) {
            emulators.close();
            throw e;
        }
    }

    @Override
    public Backend backend() {
        return Backend.EMULATORS;
    }

    /**
     * kinesis-mock has no 10 MB cap: asked for 10,000 aggregated records it builds a page of hundreds of MB and every
     * call times out, so nothing is ever read. Pages of about 2 MB are served in well under a second.
     */
    @Override
    public int getRecordsLimit(int recordBytes) {
        return Math.max(1, Math.min(10_000, KINESIS_MOCK_PAGE_BYTES / Math.max(1, recordBytes)));
    }

    @Override
    public Optional<URI> kinesisTlsEndpoint() {
        return Optional.of(emulators.kinesisTlsEndpoint());
    }

    @Override
    public Optional<FaultInjection> faults() {
        return Optional.of(this);
    }

    @Override
    public void stopS3() {
        emulators.stopS3();
    }

    @Override
    public void startS3() {
        emulators.startS3();
    }

    @Override
    public List<RunningProcess> processes() {
        return emulators.processes().stream()
                .map(p -> new RunningProcess(p.name(), p.pid(), p.logFile()))
                .toList();
    }

    @Override
    public void close() {
        provisioner.close();
        emulators.close();
    }

    @Override
    public String toString() {
        return "LocalAws{emulators, " + awsConfig + ", logs in " + emulators.logDir() + "}";
    }
}
