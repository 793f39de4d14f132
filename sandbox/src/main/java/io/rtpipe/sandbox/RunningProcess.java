package io.rtpipe.sandbox;

import java.nio.file.Path;

/** A process a sandbox started and will stop: which emulator, its PID and where its output goes. */
public record RunningProcess(String name, long pid, Path logFile) {
}
