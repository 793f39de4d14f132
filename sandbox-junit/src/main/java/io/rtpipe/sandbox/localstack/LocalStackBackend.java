package io.rtpipe.sandbox.localstack;

import io.rtpipe.sandbox.Backend;
import io.rtpipe.sandbox.BackendProvider;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.SandboxConfig;

/** Registers {@link Backend#LOCALSTACK} with the sandbox (META-INF/services). */
public final class LocalStackBackend implements BackendProvider {

    @Override
    public Backend backend() {
        return Backend.LOCALSTACK;
    }

    @Override
    public LocalAws start(SandboxConfig config) {
        return LocalStackLocalAws.start(config);
    }
}
