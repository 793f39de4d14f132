package io.rtpipe.sandbox.junit;

import io.rtpipe.sandbox.Backend;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.SandboxConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.testcontainers.DockerClientFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs small test classes that use {@link SandboxExtension} in their own JUnit engine (the platform test kit), so
 * this test can see what the extension does across a whole run: one shared sandbox, stopped at the end even when a
 * test fails, and skipped (not failed) tests when the backend cannot run.
 */
class SandboxExtensionIT {

    /** The sample classes below run only inside the test kit, never as part of the real test run. */
    private static volatile boolean inTestKit;
    private static final List<LocalAws> seen = Collections.synchronizedList(new ArrayList<>());
    private static final List<Long> pidsSeen = Collections.synchronizedList(new ArrayList<>());

    static boolean inTestKit() {
        return inTestKit;
    }

    @BeforeEach
    void enterTestKit() {
        inTestKit = true;
        seen.clear();
        pidsSeen.clear();
    }

    @AfterEach
    void leaveTestKit() {
        inTestKit = false;
    }

    @Test
    void oneSandboxIsSharedByAllClassesAndStoppedWhenTheRunEndsEvenAfterAFailure() {
        var results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(ConstructorInjected.class), selectClass(MethodInjectedAndFailing.class))
                .execute();

        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(1).failed(1).skipped(1));
        results.testEvents().skipped().assertThatEvents().singleElement().satisfies(event ->
                assertThat(event.getPayload(String.class)).hasValue("skippedOnEmulators(LocalAws) needs the "
                        + "localstack sandbox backend (it uses a LocalStack-only API) but emulators is selected "
                        + "(-Drtpipe.sandbox / RTPIPE_SANDBOX)."));
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).isSameAs(seen.get(1));
        assertThat(pidsSeen).hasSize(3).allSatisfy(pid ->
                assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("pid %d", pid).isEmpty());
    }

    @Test
    void localStackWithoutDockerSkipsEveryTestInsteadOfFailing() {
        assumeThat(DockerClientFactory.instance().isDockerAvailable())
                .as("this test is about machines without Docker").isFalse();

        var results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(OnLocalStack.class), selectClass(OnLocalStackPerClassLifecycle.class))
                .execute();

        results.containerEvents().assertStatistics(stats -> stats.aborted(2).failed(0));
        results.testEvents().assertStatistics(stats -> stats.started(0).failed(0));
        assertThat(seen).isEmpty();
    }

    @EnabledIf("io.rtpipe.sandbox.junit.SandboxExtensionIT#inTestKit")
    @ExtendWith(SandboxExtension.class)
    static class ConstructorInjected {
        private final LocalAws aws;

        ConstructorInjected(LocalAws aws) {
            this.aws = aws;
        }

        @Test
        void seesTheSandbox() {
            seen.add(aws);
            aws.createBucket("extension-it-" + System.nanoTime());
            aws.processes().forEach(p -> pidsSeen.add(p.pid()));
        }
    }

    @EnabledIf("io.rtpipe.sandbox.junit.SandboxExtensionIT#inTestKit")
    @ExtendWith(SandboxExtension.class)
    static class MethodInjectedAndFailing {
        @Test
        void failsOnPurpose(LocalAws aws) {
            seen.add(aws);
            throw new AssertionError("failing on purpose: the sandbox must still be stopped");
        }

        @Test
        @RequiresBackend(value = Backend.LOCALSTACK, reason = "uses a LocalStack-only API")
        void skippedOnEmulators(LocalAws aws) {
            seen.add(aws);
        }
    }

    @Test
    void aClassThatRequiresAnotherBackendIsSkippedWithItsReasonWithoutStartingTheSelectedOne() {
        var results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(NeedsEmulatorsOnLocalStack.class))
                .execute();

        // Skipped by the condition, not aborted by the missing Docker engine: LocalStack was never tried.
        results.containerEvents().assertStatistics(stats -> stats.skipped(1).aborted(0).failed(0));
        results.containerEvents().skipped().assertThatEvents().singleElement().satisfies(event ->
                assertThat(event.getPayload(String.class)).hasValue("SandboxExtensionIT$NeedsEmulatorsOnLocalStack "
                        + "needs the emulators sandbox backend (it stops the S3 emulator) but localstack is selected "
                        + "(-Drtpipe.sandbox / RTPIPE_SANDBOX)."));
        results.testEvents().assertStatistics(stats -> stats.started(0));
        assertThat(seen).isEmpty();
    }

    /** {@link OnLocalStack}'s extension and test, on a class that needs the emulators. */
    @EnabledIf("io.rtpipe.sandbox.junit.SandboxExtensionIT#inTestKit")
    @RequiresBackend(value = Backend.EMULATORS, reason = "stops the S3 emulator")
    static class NeedsEmulatorsOnLocalStack extends OnLocalStack {
    }

    @EnabledIf("io.rtpipe.sandbox.junit.SandboxExtensionIT#inTestKit")
    static class OnLocalStack {
        @RegisterExtension
        static final SandboxExtension SANDBOX =
                new SandboxExtension(SandboxConfig.builder().backend(Backend.LOCALSTACK).build());

        @Test
        void neverRuns(LocalAws aws) {
            seen.add(aws);
        }
    }

    @EnabledIf("io.rtpipe.sandbox.junit.SandboxExtensionIT#inTestKit")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class OnLocalStackPerClassLifecycle {
        @RegisterExtension
        static final SandboxExtension SANDBOX =
                new SandboxExtension(SandboxConfig.builder().backend(Backend.LOCALSTACK).build());

        private final LocalAws aws;

        OnLocalStackPerClassLifecycle(LocalAws aws) {
            this.aws = aws;
        }

        @Test
        void neverRuns() {
            seen.add(aws);
        }
    }
}
