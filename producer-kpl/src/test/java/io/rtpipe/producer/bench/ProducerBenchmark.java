package io.rtpipe.producer.bench;

import io.rtpipe.sandbox.process.FreePorts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The producer benchmark (not part of the build's tests): starts {@link FakeKinesisEndpoint} in its own process, then
 * runs {@link ProducerRun} in a fresh JVM for each producer and event size, and prints their {@code RESULT} lines with
 * the machine's load average. Run it with {@code producer-kpl/bench/run-benchmark.sh} (options: {@code --producers
 * rtpipe,kpl --sizes 100,1024 --seconds 15 --warmup 5 --shards 64}).
 */
public final class ProducerBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchArgs.parse(args);
        List<String> producers = List.of(options.getOrDefault("producers", "rtpipe,kpl").split(","));
        List<String> sizes = List.of(options.getOrDefault("sizes", "100,1024").split(","));
        String seconds = options.getOrDefault("seconds", "15");
        String warmup = options.getOrDefault("warmup", "5");
        Path logs = Files.createDirectories(Path.of(options.getOrDefault("logs", "target/bench")));
        int[] ports = FreePorts.pick(2);

        Process endpoint = java(List.of(FakeKinesisEndpoint.class.getName(), "--port", Integer.toString(ports[0]),
                "--tls-port", Integer.toString(ports[1]), "--shards", options.getOrDefault("shards", "64")))
                .redirectError(logs.resolve("endpoint.log").toFile())
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(endpoint::destroy));
        try {
            var endpointOut = new BufferedReader(new InputStreamReader(endpoint.getInputStream(), StandardCharsets.UTF_8));
            if (!"READY".equals(endpointOut.readLine())) {
                throw new IllegalStateException("The benchmark endpoint did not start; see " + logs.resolve("endpoint.log"));
            }
            System.out.println("load average before: " + loadAverage());
            List<String> results = new ArrayList<>();
            for (String size : sizes) {
                for (String producer : producers) {
                    results.add(run(producer, size, seconds, warmup, ports, logs));
                    System.out.println(results.get(results.size() - 1) + "   (load " + loadAverage() + ")");
                }
            }
            System.out.println("load average after: " + loadAverage());
        } finally {
            endpoint.destroy();
            if (!endpoint.waitFor(10, TimeUnit.SECONDS)) {
                endpoint.destroyForcibly();
            }
        }
    }

    private static String run(String producer, String size, String seconds, String warmup, int[] ports, Path logs)
            throws IOException, InterruptedException {
        Path log = logs.resolve(producer + "-" + size + ".log");
        Process run = java(List.of("-Xmx1g", ProducerRun.class.getName(), "--producer", producer, "--event-bytes", size,
                "--seconds", seconds, "--warmup", warmup, "--port", Integer.toString(ports[0]),
                "--tls-port", Integer.toString(ports[1])))
                .redirectError(log.toFile())
                .start();
        String result = null;
        try (var out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("RESULT ")) {
                    result = line.substring("RESULT ".length());
                }
            }
        } finally {
            if (!run.waitFor(2, TimeUnit.MINUTES)) {
                run.destroyForcibly();
            }
        }
        if (result == null) {
            throw new IllegalStateException("The " + producer + " run for " + size + "-byte events printed no result; "
                    + "see " + log);
        }
        return result;
    }

    private static ProcessBuilder java(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Daws.ec2MetadataServiceEndpoint=http://127.0.0.1:1");
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        return builder;
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
