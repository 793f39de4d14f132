package io.rtpipe.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to start a sandbox. Immutable; build with {@link #builder()}.
 *
 * <p>Defaults:
 * <ul>
 *   <li>backend: {@link Backend#fromSettings()} (system property {@code rtpipe.sandbox}, else environment variable
 *       {@code RTPIPE_SANDBOX}, else {@link Backend#EMULATORS})</li>
 *   <li>workDir: a new temporary directory {@code rtpipe-sandbox-*} (emulator logs and S3Mock's store go there)</li>
 *   <li>cacheDir: {@code $RTPIPE_CACHE_DIR}, else {@code $XDG_CACHE_HOME/rtpipe}, else {@code ~/.cache/rtpipe}
 *       (installed emulators, shared by every sandbox on the machine)</li>
 *   <li>region: {@code us-east-1}</li>
 *   <li>startTimeout: 60 s per emulator (the first run's {@code npm ci} has its own 5-minute limit)</li>
 *   <li>awsProfile: none, i.e. the SDK's default credential chain ({@link Backend#AWS} only)</li>
 *   <li>localStackImage: {@value #DEFAULT_LOCALSTACK_IMAGE} ({@link Backend#LOCALSTACK} only)</li>
 * </ul>
 */
public final class SandboxConfig {

    public static final String DEFAULT_LOCALSTACK_IMAGE = "localstack/localstack:4.4.0";

    private final Backend backend;
    private final Path workDir;
    private final Path cacheDir;
    private final String region;
    private final Duration startTimeout;
    private final String awsProfile;
    private final String localStackImage;

    private SandboxConfig(Builder b) {
        this.backend = b.backend != null ? b.backend : Backend.fromSettings();
        this.workDir = b.workDir;
        this.cacheDir = b.cacheDir != null ? b.cacheDir : defaultCacheDir();
        this.region = Objects.requireNonNull(b.region, "region");
        this.startTimeout = Objects.requireNonNull(b.startTimeout, "startTimeout");
        this.awsProfile = b.awsProfile;
        this.localStackImage = Objects.requireNonNull(b.localStackImage, "localStackImage");
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive, got " + startTimeout);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A config with every default. */
    public static SandboxConfig defaults() {
        return builder().build();
    }

    public Backend backend() {
        return backend;
    }

    /** The work directory, if one was given; otherwise the sandbox creates a temporary one. */
    public Optional<Path> workDir() {
        return Optional.ofNullable(workDir);
    }

    public Path cacheDir() {
        return cacheDir;
    }

    public String region() {
        return region;
    }

    public Duration startTimeout() {
        return startTimeout;
    }

    public Optional<String> awsProfile() {
        return Optional.ofNullable(awsProfile);
    }

    public String localStackImage() {
        return localStackImage;
    }

    private static Path defaultCacheDir() {
        String explicit = System.getenv("RTPIPE_CACHE_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "rtpipe");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "rtpipe");
    }

    @Override
    public String toString() {
        return "SandboxConfig{backend=" + backend + ", workDir=" + workDir + ", cacheDir=" + cacheDir + ", region="
                + region + ", startTimeout=" + startTimeout + ", awsProfile=" + awsProfile + "}";
    }

    public static final class Builder {
        private Backend backend;
        private Path workDir;
        private Path cacheDir;
        private String region = "us-east-1";
        private Duration startTimeout = Duration.ofSeconds(60);
        private String awsProfile;
        private String localStackImage = DEFAULT_LOCALSTACK_IMAGE;

        private Builder() {
        }

        public Builder backend(Backend backend) {
            this.backend = backend;
            return this;
        }

        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        public Builder cacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        public Builder awsProfile(String awsProfile) {
            this.awsProfile = awsProfile;
            return this;
        }

        public Builder localStackImage(String localStackImage) {
            this.localStackImage = localStackImage;
            return this;
        }

        public SandboxConfig build() {
            return new SandboxConfig(this);
        }
    }
}
