package io.rtpipe.producer.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The file tail in its own process, killed with SIGKILL at random points while a writer appends JSON lines (sometimes
 * half a line at a time) and rotates the file by renaming it. The sink stores a line before acknowledging it, so a
 * kill can leave lines stored but not committed in the state file; the next run sends them again.
 *
 * <p>Ground truth is the files themselves, read at the end: every line of every file, in rotation order, with its
 * file key and start offset. Checked: every line was delivered (none lost); every delivery is a line of the files with
 * its event id, {@code <fileKey>:0:<offset>} or the line's own {@code event_id}, and otherwise the line's fields;
 * collapsed by event id each line is there exactly once and all copies of an id are byte-identical (so the consumer's
 * dedup counts each line once); and each run resumed exactly after the line the state file had committed, delivering
 * the following lines in order.
 */
class FileTailSourceKillTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LINES_PER_FILE = 400;
    private static final int KILLS = 8;

    @TempDir
    Path dir;

    /** One line of the files: its file (index in rotation order), where it starts and ends, and its text. */
    private record Line(int file, String fileKey, long start, long end, String text) {
    }

    private final List<String> fileKeys = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stopWriting = new AtomicBoolean();

    @Test
    void sigkillAtRandomPointsWhileTheFileRotatesDeliversEveryLineOncePerEventId() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path log = dir.resolve("app.log");
        Path state = dir.resolve("tail.state");
        Path sink = dir.resolve("delivered.txt");
        Files.createFile(sink);

        Thread writer = new Thread(() -> write(log, state, new Random(seed + 1)), "test-writer");
        writer.setDaemon(true);
        // Each run: where in the sink its deliveries start, and the position it resumed after (the state file).
        List<Integer> runStarts = new ArrayList<>(List.of(0));
        List<Optional<TailPosition>> runResumes = new ArrayList<>(List.of(Optional.empty()));
        Process process = start(log, state, sink);
        writer.start();
        List<Line> lines;
        try {
            for (int kill = 0; kill < KILLS; kill++) {
                // Kill while this run delivers (not while its JVM starts): a random moment after the sink grew, when
                // lines are being read, stored, acknowledged and committed; every other kill (at random) only after
                // the run also committed a position, so runs make progress however slow the machine is.
                int before = completeLines(sink).size();
                Optional<TailPosition> resumedAt = runResumes.get(runResumes.size() - 1);
                boolean afterACommit = random.nextBoolean();
                await().atMost(60, TimeUnit.SECONDS).pollInterval(2, TimeUnit.MILLISECONDS)
                        .until(() -> completeLines(sink).size() > before
                                && (!afterACommit || !TailPosition.load(state).equals(resumedAt)));
                TimeUnit.MILLISECONDS.sleep(random.nextInt(150));
                process.destroyForcibly();
                assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
                runStarts.add(completeLines(sink).size());
                runResumes.add(TailPosition.load(state));
                process = start(log, state, sink);
            }
            // The writer outlasts the kills, so rotations happen around them; then it stops, the last run catches up.
            stopWriting.set(true);
            writer.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(writer.isAlive()).isFalse();
            lines = fileLines(log);
            Set<String> ids = new HashSet<>();
            lines.forEach(line -> ids.add(expectedId(line)));
            // Lost lines never arrive: wait a bounded time, then let the checks below name what is missing.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!deliveredIds(sink).containsAll(ids) && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            stopWriting.set(true);
        }

        List<String> delivered = completeLines(sink);
        Map<String, Line> byN = new HashMap<>();
        for (Line line : lines) {
            byN.put(JSON.readTree(line.text()).get("n").asText(), line);
        }
        // Every delivery is a line of the files, with the event id its position (or its own id) gives it.
        Map<String, String> copiesById = new HashMap<>();
        Map<String, Integer> deliveriesByN = new HashMap<>();
        for (String record : delivered) {
            ObjectNode event = (ObjectNode) JSON.readTree(record);
            String n = event.get("n").asText();
            Line line = byN.get(n);
            assertThat(line).as("delivered %s is a line of the files (seed %d)", record, seed).isNotNull();
            JsonNode original = JSON.readTree(line.text());
            assertThat(event.path("event_id").asText()).as("event id of %s (seed %d)", record, seed)
                    .isEqualTo(expectedId(line));
            if (!original.has("event_id")) {
                event.remove("event_id");
            }
            assertThat(event).as("fields of %s (seed %d)", record, seed).isEqualTo(original);
            String firstCopy = copiesById.putIfAbsent(expectedId(line), record);
            assertThat(firstCopy == null ? record : firstCopy).as("copies of one event id (seed %d)", seed)
                    .isEqualTo(record);
            deliveriesByN.merge(n, 1, Integer::sum);
        }
        Set<String> lost = new java.util.TreeSet<>(byN.keySet());
        lost.removeAll(deliveriesByN.keySet());
        assertThat(lost).as("lines never delivered, of %d (seed %d)", lines.size(), seed).isEmpty();
        assertThat(copiesById).as("lines after collapsing by event id (seed %d)", seed).hasSize(lines.size());

        // Each run delivered the file's lines in order, starting with the first line after its resume position.
        runStarts.add(delivered.size());
        for (int run = 0; run <= KILLS; run++) {
            int first = firstLineAfter(lines, runResumes.get(run));
            List<String> segment = delivered.subList(runStarts.get(run), runStarts.get(run + 1));
            List<String> expected = new ArrayList<>();
            for (int i = first; i < Math.min(lines.size(), first + segment.size()); i++) {
                expected.add(JSON.readTree(lines.get(i).text()).get("n").asText());
            }
            List<String> got = new ArrayList<>();
            for (String record : segment) {
                got.add(JSON.readTree(record).get("n").asText());
            }
            assertThat(got).as("run %d resuming after %s (seed %d)", run, runResumes.get(run), seed)
                    .isEqualTo(expected);
        }
        System.out.printf("file tail kill test: %d kills, %d lines in %d files, %d deliveries: %d copies sent again"
                + " after kills, each with its line's event id (seed %d)%n", KILLS, lines.size(), fileKeys.size(),
                delivered.size(), delivered.size() - lines.size(), seed);
    }

    /** The id the source must give a line: the line's own {@code event_id}, else {@code <fileKey>:0:<start>}. */
    private static String expectedId(Line line) {
        try {
            JsonNode own = JSON.readTree(line.text()).get("event_id");
            return own != null ? own.asText() : line.fileKey() + ":0:" + line.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private int firstLineAfter(List<Line> lines, Optional<TailPosition> resume) {
        if (resume.isEmpty()) {
            return 0;
        }
        int first = 0;
        while (first < lines.size() && !after(lines.get(first), resume.get())) {
            first++;
        }
        return first;
    }

    private boolean after(Line line, TailPosition position) {
        if (line.fileKey().equals(position.fileKey())) {
            return line.end() > position.offset();
        }
        int resumeFile = fileKeys.indexOf(position.fileKey());
        assertThat(resumeFile).as("the state file names one of the written files: %s", position).isNotNegative();
        return line.file() > resumeFile;
    }

    private Process start(Path log, Path state, Path sink) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                FileTailProcess.class.getName(), log.toString(), state.toString(), sink.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("tail-process.log").toFile()))
                .start();
    }

    /**
     * Appends JSON lines until told to stop, one in ten in two writes, one in seven with its own event id; renames
     * the file every LINES_PER_FILE lines, once the tail has reached it.
     */
    private void write(Path log, Path state, Random random) {
        try {
            OutputStream out = null;
            for (int n = 0; !stopWriting.get(); n++) {
                if (n % LINES_PER_FILE == 0) {
                    if (out != null) {
                        out.close();
                        awaitTailIn(state, fileKeys.get(fileKeys.size() - 1));
                        Files.move(log, dir.resolve("app.log." + fileKeys.size()));
                    }
                    out = Files.newOutputStream(log, StandardOpenOption.CREATE_NEW, StandardOpenOption.APPEND);
                    fileKeys.add(fileKey(log));
                }
                String ownId = n % 7 == 3 ? "\"event_id\":\"own-" + n + "\"," : "";
                byte[] line = ("{" + ownId + "\"n\":" + n + ",\"pad\":\"" + "x".repeat(random.nextInt(40)) + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                if (random.nextInt(10) == 0) {
                    int cut = random.nextInt(line.length);
                    out.write(line, 0, cut);
                    out.flush();
                    TimeUnit.MILLISECONDS.sleep(random.nextInt(20));
                    out.write(line, cut, line.length - cut);
                } else {
                    out.write(line);
                }
                out.write('\n');
                out.flush();
                TimeUnit.MICROSECONDS.sleep(1_500);
            }
            if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A rename while the tail is down and still in an older file would be a second rotation it cannot recover. */
    private void awaitTailIn(Path state, String fileKey) {
        await().atMost(60, TimeUnit.SECONDS).pollInterval(5, TimeUnit.MILLISECONDS)
                .until(() -> TailPosition.load(state).map(TailPosition::fileKey).orElse("").equals(fileKey));
    }

    /** Every line of every file, files in rotation order (app.log.1, app.log.2, …, app.log). */
    private List<Line> fileLines(Path log) throws IOException {
        List<Line> lines = new ArrayList<>();
        for (int file = 0; file < fileKeys.size(); file++) {
            Path path = file == fileKeys.size() - 1 ? log : dir.resolve("app.log." + (file + 1));
            String key = fileKey(path);
            assertThat(key).isEqualTo(fileKeys.get(file));
            byte[] bytes = Files.readAllBytes(path);
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    lines.add(new Line(file, key, start, i + 1,
                            new String(bytes, start, i - start, StandardCharsets.UTF_8)));
                    start = i + 1;
                }
            }
            assertThat(start).as("%s ends with a complete line", path).isEqualTo(bytes.length);
        }
        return lines;
    }

    private static String fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey().toString();
    }

    private static Set<String> deliveredIds(Path sink) throws IOException {
        Set<String> ids = new HashSet<>();
        for (String record : completeLines(sink)) {
            JsonNode id = JSON.readTree(record).get("event_id");
            if (id != null) {
                ids.add(id.asText());
            }
        }
        return ids;
    }

    /** The sink's lines; a last line without its line break was cut by a kill and never acknowledged. */
    private static List<String> completeLines(Path sink) throws IOException {
        String text = Files.readString(sink);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        lines.remove(lines.size() - 1);
        return lines;
    }
}
