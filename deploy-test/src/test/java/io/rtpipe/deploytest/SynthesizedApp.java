package io.rtpipe.deploytest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.infra.InfraSettings;
import io.rtpipe.infra.RtpipeApp;
import software.amazon.awscdk.App;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rtpipe CDK app synthesized in this JVM, as {@code cdk synth} would: {@link RtpipeApp#build} on a fresh
 * {@link App}, then the CloudFormation templates read back from the cloud assembly's {@code *.template.json} files.
 *
 * <p>The assets are stand-ins in {@code workDir}: the real consumer Dockerfile (its ENTRYPOINT is part of what is
 * tested) beside a placeholder cli jar and Lambda jar. Synthesis only copies assets; the test runs the real jars from
 * the build, so staging them (and fingerprinting the whole repository as the Docker build context) would only cost
 * time.
 *
 * <p>{@link #fileAssets()} are what {@code cdk deploy} uploads before it deploys a stack (the asset manifests'
 * {@code files}): the stand-in Lambda jar and, with {@code rtpipe:metricsFile}, the metric spec.
 */
final class SynthesizedApp {

    /**
     * One file of an asset manifest and its destination, whose names may hold {@code ${AWS::AccountId}} and
     * {@code ${AWS::Region}} as the manifest writes them.
     */
    record FileAsset(Path source, String bucketName, String objectKey) {}

    /** The consumer Dockerfile, relative to the repository root (= the image's build context). */
    static final String DOCKERFILE = "infra/docker/consumer/Dockerfile";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Templates templates;
    private final Path dockerfile;
    private final List<FileAsset> fileAssets;

    private SynthesizedApp(Templates templates, Path dockerfile, List<FileAsset> fileAssets) {
        this.templates = templates;
        this.dockerfile = dockerfile;
        this.fileAssets = fileAssets;
    }

    /**
     * Synthesizes the app with {@code settings} (its asset paths are replaced by the stand-ins).
     *
     * @param repository the repository root, where the real Dockerfile is read
     */
    static SynthesizedApp synth(Path repository, Path workDir, InfraSettings.Builder settings) {
        try {
            Path context = workDir.resolve("image-context");
            Path dockerfile = context.resolve(DOCKERFILE);
            Files.createDirectories(dockerfile.getParent());
            Files.copy(repository.resolve(DOCKERFILE), dockerfile);
            Path cliJar = context.resolve("cli/target/rtpipe.jar");
            Files.createDirectories(cliJar.getParent());
            Files.writeString(cliJar, "stand-in: the test runs the cli jar of the build");
            Path lambdaJar = workDir.resolve("lambda.jar");
            Files.writeString(lambdaJar, "stand-in: the test invokes the handler class in its own JVM");

            App app = App.Builder.create().outdir(workDir.resolve("cdk.out").toString()).build();
            RtpipeApp.build(app, settings
                    .consumerImageDirectory(context.toString())
                    .consumerDockerfile(DOCKERFILE)
                    .lambdaJar(lambdaJar.toString())
                    .build());
            CloudAssembly assembly = app.synth();
            Map<String, JsonNode> byStack = new LinkedHashMap<>();
            for (CloudFormationStackArtifact stack : assembly.getStacks()) {
                byStack.put(stack.getStackName(),
                        JSON.readTree(Path.of(assembly.getDirectory(), stack.getTemplateFile()).toFile()));
            }
            return new SynthesizedApp(new Templates(byStack), dockerfile, fileAssets(Path.of(assembly.getDirectory())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<FileAsset> fileAssets(Path assembly) throws IOException {
        List<FileAsset> assets = new ArrayList<>();
        try (DirectoryStream<Path> manifests = Files.newDirectoryStream(assembly, "*.assets.json")) {
            for (Path manifest : manifests) {
                for (JsonNode file : JSON.readTree(manifest.toFile()).path("files")) {
                    JsonNode source = file.path("source");
                    if (!source.path("packaging").asText("file").equals("file")) {
                        throw new AssertionError(manifest + ": a " + source.path("packaging").asText()
                                + " asset, which this test does not upload: " + file);
                    }
                    for (JsonNode destination : file.path("destinations")) {
                        assets.add(new FileAsset(assembly.resolve(source.path("path").asText()),
                                destination.path("bucketName").asText(), destination.path("objectKey").asText()));
                    }
                }
            }
        }
        return List.copyOf(assets);
    }

    Templates templates() {
        return templates;
    }

    List<FileAsset> fileAssets() {
        return fileAssets;
    }

    /** The Dockerfile the image is built from (a copy of the repository's). */
    Path dockerfile() {
        return dockerfile;
    }
}
