package io.rtpipe.producer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/** CPU time of processes from {@code /proc/<pid>/stat} (user + system, all threads), in seconds. */
final class ProcCpu {

    /** Linux reports these fields in clock ticks, 100 per second on every mainstream kernel configuration. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcCpu() {
    }

    static double seconds(Collection<Long> pids) {
        double total = 0;
        for (long pid : pids) {
            total += seconds(pid);
        }
        return total;
    }

    static double seconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may contain spaces: state is field 3,
            // utime field 14 and stime field 15 (1-based), so indices 11 and 12 here.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException e) {
            throw new IllegalStateException("Could not read the CPU time of process " + pid + ": " + e.getMessage(), e);
        }
    }
}
