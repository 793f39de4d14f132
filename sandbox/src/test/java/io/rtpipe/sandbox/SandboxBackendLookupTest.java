package io.rtpipe.sandbox;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** This module's test classpath lacks sandbox-junit, as the cli jar does: the LocalStack backend is not there. */
class SandboxBackendLookupTest {

    @Test
    void localStackIsRefusedInOneSentenceWhereOnlyTheRuntimeSandboxIsPresent() {
        assertThatThrownBy(() -> Sandbox.start(SandboxConfig.builder().backend(Backend.LOCALSTACK).build()))
                .isInstanceOf(SandboxUnavailableException.class)
                .hasMessage("The localstack sandbox backend is for tests (module rtpipe-sandbox-junit) and is not in "
                        + "this program; choose the emulators or aws backend (RTPIPE_SANDBOX=emulators).");
    }
}
