package io.rtpipe.deploytest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How ECS runs the consumer container: the image's ENTRYPOINT and CMD from its Dockerfile, overridden by the task
 * definition's EntryPoint and Command where set, and the container's Environment from the template, resolved
 * against the emulator deployment. {@link #command(Path)} turns the image's command into one for this machine:
 * {@code java} is this JVM's launcher and the jar the Dockerfile copies into the image is the build's cli jar.
 */
final class ConsumerContainer {

    /** The file the Dockerfile copies into the image, relative to the build context. */
    static final String CLI_JAR = "cli/target/rtpipe.jar";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> imageCommand;
    private final String jarInImage;
    private final Map<String, String> environment;

    private ConsumerContainer(List<String> imageCommand, String jarInImage, Map<String, String> environment) {
        this.imageCommand = imageCommand;
        this.jarInImage = jarInImage;
        this.environment = environment;
    }

    /** The one container of the templates' one ECS task definition. */
    static ConsumerContainer of(Templates templates, EmulatorDeployment deployment, Path dockerfile) {
        Templates.Resource task = templates.only("AWS::ECS::TaskDefinition");
        JsonNode containers = task.property("ContainerDefinitions");
        if (containers.size() != 1) {
            throw new AssertionError(task + " has " + containers.size() + " containers; the test runs one");
        }
        JsonNode container = containers.get(0);
        if (container.has("Secrets")) {
            throw new AssertionError(task + " passes Secrets, which this test does not resolve");
        }
        Dockerfile image = Dockerfile.read(dockerfile);
        List<String> entryPoint = container.has("EntryPoint") ? strings(container.get("EntryPoint")) : image.entrypoint;
        List<String> command = container.has("Command") ? strings(container.get("Command")) : image.cmd;
        List<String> full = new ArrayList<>(entryPoint);
        full.addAll(command);
        if (full.isEmpty()) {
            throw new AssertionError("neither " + dockerfile + " nor " + task + " gives the container a command");
        }
        Map<String, String> env = new LinkedHashMap<>();
        container.path("Environment").forEach(variable -> env.put(variable.path("Name").asText(),
                deployment.intrinsics().resolve(task.stack(), variable.path("Value"),
                        task + " environment variable " + variable.path("Name").asText())));
        return new ConsumerContainer(List.copyOf(full), image.jarDestination, Map.copyOf(env));
    }

    /** The container's command with this JVM's java and {@code cliJar} standing in for the image's. */
    List<String> command(Path cliJar) {
        List<String> command = new ArrayList<>();
        for (int i = 0; i < imageCommand.size(); i++) {
            String arg = imageCommand.get(i);
            if (i == 0 && arg.equals("java")) {
                command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            } else {
                command.add(arg.equals(jarInImage) ? cliJar.toString() : arg);
            }
        }
        if (!command.contains(cliJar.toString())) {
            throw new AssertionError("the container command " + imageCommand + " does not run " + jarInImage
                    + ", where the Dockerfile puts " + CLI_JAR);
        }
        return command;
    }

    /** The environment the task definition gives the container, resolved. */
    Map<String, String> environment() {
        return environment;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    /** What the test needs of the Dockerfile: exec-form ENTRYPOINT and CMD, and where it copies the cli jar. */
    private record Dockerfile(List<String> entrypoint, List<String> cmd, String jarDestination) {

        static Dockerfile read(Path file) {
            List<String> entrypoint = List.of();
            List<String> cmd = List.of();
            String jar = null;
            try {
                for (String line : Files.readAllLines(file)) {
                    String trimmed = line.strip();
                    String[] words = trimmed.split("\\s+");
                    if (trimmed.startsWith("ENTRYPOINT ")) {
                        entrypoint = execForm(file, trimmed.substring("ENTRYPOINT ".length()));
                    } else if (trimmed.startsWith("CMD ")) {
                        cmd = execForm(file, trimmed.substring("CMD ".length()));
                    } else if (words.length == 3 && (words[0].equals("COPY") || words[0].equals("ADD"))
                            && words[1].equals(CLI_JAR)) {
                        jar = words[2].endsWith("/") ? words[2] + "rtpipe.jar" : words[2];
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (jar == null) {
                throw new AssertionError(file + " does not COPY " + CLI_JAR + " into the image");
            }
            return new Dockerfile(entrypoint, cmd, jar);
        }

        private static List<String> execForm(Path file, String json) {
            try {
                return strings(JSON.readTree(json));
            } catch (IOException e) {
                throw new AssertionError(file + ": only the exec form (a JSON array) of ENTRYPOINT and CMD is "
                        + "supported by this test, got " + json, e);
            }
        }
    }
}
