package io.rtpipe.reliability;

import io.rtpipe.reliability.fault.ProducerFaults;
import io.rtpipe.reliability.verify.Verdict;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 4: throttled and partially failed PutRecords, and lost acknowledgements (stored, then retried, so the
 * stream holds copies) while two worker processes consume: results stay exact through event-id de-duplication.
 */
@Tag("chaos-full-only") // a few minutes on a loaded 2-core machine: not in every CI run
@ExtendWith(SandboxExtension.class)
class ProducerFaultsChaosIT {

    private final LocalAws aws;

    ProducerFaultsChaosIT(LocalAws aws) {
        this.aws = aws;
    }

    static LongStream seeds() {
        return ChaosScenariosIT.seeds();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void producerRetriesAreCountedOnce(long seed) throws Exception {
        ProducerFaults faults = new ProducerFaults(seed);
        try (ChaosRun run = new ChaosRun("4 producer faults", seed, aws, ChaosRun.DEFAULT_SHARDS, faults)) {
            run.startWorker("a");
            run.startWorker("b");
            run.awaitAllShardsOwned();
            run.startLoad();

            run.pause(0.2);
            faults.start();
            run.pause(0.5);
            faults.stop();

            Verdict verdict = run.finish();
            run.report(verdict, "n/a (" + faults + ")");

            assertThat(faults.lostAcknowledgements()).as("lost acknowledgements injected").isPositive();
            assertThat(verdict.copies()).as("copies the retries put in the stream").isPositive();
            ChaosRun.assertExact(verdict);
        }
    }
}
