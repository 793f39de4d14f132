package io.rtpipe.cli.console;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The Debian {@code chromium} in headless mode, one process per call, each with a fresh profile: loads a page, lets
 * its scripts run for a budget of virtual time (Chromium advances it only while no request is pending, so fetches
 * finish first), then dumps the DOM or saves a screenshot. Every process is stopped by its own handle.
 */
final class HeadlessChromium {

    /** Virtual time the page's scripts get: several refresh rounds of the console. */
    private static final int VIRTUAL_TIME_MS = 12_000;
    private static final long PROCESS_TIMEOUT_S = 120;

    private final Path executable;
    private final Path workDir;

    private HeadlessChromium(Path executable, Path workDir) {
        this.executable = executable;
        this.workDir = workDir;
    }

    /** The browser on PATH (chromium, chromium-browser), if installed. */
    static Optional<HeadlessChromium> find(Path workDir) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(new HeadlessChromium(candidate, workDir));
                }
            }
        }
        return Optional.empty();
    }

    /** The page's DOM after its scripts ran. */
    String dumpDom(URI page) throws IOException, InterruptedException {
        return run(page, List.of("--dump-dom"));
    }

    /** Saves a PNG of the page after its scripts ran. */
    void screenshot(URI page, Path png, int width, int height) throws IOException, InterruptedException {
        run(page, List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars"));
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new IOException("chromium wrote no screenshot to " + png);
        }
    }

    private String run(URI page, List<String> action) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(workDir, "chromium-profile");
        Path stdout = Files.createTempFile(workDir, "chromium", ".out");
        Path stderr = Files.createTempFile(workDir, "chromium", ".err");
        List<String> command = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                "--virtual-time-budget=" + VIRTUAL_TIME_MS));
        command.addAll(action);
        command.add(page.toString());
        Process process = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        try {
            if (!process.waitFor(PROCESS_TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new IOException("chromium did not finish within " + PROCESS_TIMEOUT_S + " s; its log: " + stderr);
            }
            if (process.exitValue() != 0) {
                throw new IOException("chromium exited with " + process.exitValue() + ": "
                        + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } finally {
            // Its own process and the helpers it spawned (renderer, GPU, zygote), each by its own handle.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
