package io.rtpipe.core.testing;

import java.util.EnumSet;
import java.util.Set;

/**
 * Faults the test driver's in-memory stores inject on command, one shot each: a <em>failure</em> makes a step throw
 * before it writes anything (an outage: the worker lives on and retries), a <em>crash</em> lets the step's write land
 * and then stops the protocol there (the driver then restarts the worker, as if it died right after the write).
 */
final class Faults {

    /** Thrown by an in-memory store for an injected fault; the task treats it like any failed write. */
    static final class InjectedFault extends RuntimeException {
        InjectedFault(String what, CheckpointStep step) {
            super(what + " at " + step + " (test)");
        }
    }

    private final Set<CheckpointStep> failures = EnumSet.noneOf(CheckpointStep.class);
    private CheckpointStep crash;

    void failNext(CheckpointStep step) {
        failures.add(step);
    }

    void crashAfter(CheckpointStep step) {
        crash = step;
    }

    /** Clears what did not fire (the step was not reached), so it cannot fire in a later, unrelated call. */
    void clear() {
        failures.clear();
        crash = null;
    }

    /** Called before the step writes: throws if a failure is armed for it. */
    void beforeWrite(CheckpointStep step) {
        if (failures.remove(step)) {
            throw new InjectedFault("injected failure", step);
        }
    }

    /** Called after the step wrote: whether the worker dies here. */
    boolean crashesAfter(CheckpointStep step) {
        if (crash == step) {
            crash = null;
            return true;
        }
        return false;
    }

    /** Called after the step wrote: throws if the worker dies here. */
    void afterWrite(CheckpointStep step) {
        if (crashesAfter(step)) {
            throw new InjectedFault("injected crash", step);
        }
    }
}
