package io.rtpipe.producer.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
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

    /**
     * CPU seconds of this JVM's JIT compiler threads and garbage collector threads (live threads only; both kinds
     * live as long as the JVM). A run whose compiler time is large was not warmed up: its figure is not steady state.
     */
    record VmThreads(double jitSeconds, double gcSeconds) {
        VmThreads minus(VmThreads earlier) {
            return new VmThreads(jitSeconds - earlier.jitSeconds, gcSeconds - earlier.gcSeconds);
        }
    }

    static VmThreads vmThreadsOfThisProcess() {
        double jit = 0;
        double gc = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String name;
                double cpu;
                try {
                    name = Files.readString(task.resolve("comm")).strip();
                    cpu = ticks(Files.readString(task.resolve("stat"))) / TICKS_PER_SECOND;
                } catch (IOException ended) {
                    continue; // the thread ended while we read
                }
                // HotSpot names: "C1 CompilerThread0", "C2 CompilerThread1"; "GC Thread#0", "G1 Conc#0", "G1 Refine#0"...
                if (name.contains("CompilerThre")) {
                    jit += cpu;
                } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                    gc += cpu;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not list this process's threads: " + e.getMessage(), e);
        }
        return new VmThreads(jit, gc);
    }

    static double seconds(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) / TICKS_PER_SECOND;
        } catch (IOException e) {
            throw new IllegalStateException("Could not read the CPU time of process " + pid + ": " + e.getMessage(), e);
        }
    }

    /** utime + stime of a {@code stat} line of a process or thread. */
    private static long ticks(String stat) {
        // Fields after the command name, which is in parentheses and may contain spaces: state is field 3,
        // utime field 14 and stime field 15 (1-based), so indices 11 and 12 here.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
