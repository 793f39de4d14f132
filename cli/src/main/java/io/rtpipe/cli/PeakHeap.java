package io.rtpipe.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;

/** The peak heap a command reports (rtpipe local's summary, rtpipe consume's status line). */
public final class PeakHeap {

    private PeakHeap() {
    }

    /**
     * The sum of this JVM's heap pools' peak usage since it started: an upper bound of the heap's peak, since the
     * pools need not peak at once.
     */
    public static long bytes() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
    }

    /** {@link #bytes()} in whole MiB. */
    public static long megabytes() {
        return bytes() / (1024 * 1024);
    }
}
