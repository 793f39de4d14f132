package io.rtpipe.deploytest;

/** Thread.sleep for polling loops, with the interrupt turned into a failure. */
final class Sleep {

    private Sleep() {
    }

    static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
