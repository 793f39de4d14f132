package io.rtpipe.infra;

import software.amazon.awscdk.App;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds the app against small stand-in assets in a temp folder, so tests need no built jars or Docker. */
final class TestApps {

    private TestApps() {
    }

    /** A fake repository root with the consumer Dockerfile, a cli jar, and files the image must not receive. */
    static Path assets(Path dir) {
        try {
            Path dockerfile = dir.resolve("repo/infra/docker/consumer/Dockerfile");
            Files.createDirectories(dockerfile.getParent());
            Files.copy(Path.of("docker/consumer/Dockerfile"), dockerfile);
            Path cliJar = dir.resolve("repo/cli/target/rtpipe.jar");
            Files.createDirectories(cliJar.getParent());
            Files.writeString(cliJar, "not really a jar");
            Files.writeString(dir.resolve("repo/secrets.env"), "must not reach the image");
            Files.createDirectories(dir.resolve("repo/node_modules/x"));
            Files.writeString(dir.resolve("repo/node_modules/x/index.js"), "nor this");
            Files.writeString(dir.resolve("lambda.jar"), "stand-in lambda jar");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InfraSettings.Builder settings(Path assets) {
        return InfraSettings.builder()
                .lambdaJar(assets.resolve("lambda.jar").toString())
                .consumerImageDirectory(assets.resolve("repo").toString());
    }

    static App app(Path outdir) {
        return App.Builder.create().outdir(outdir.toString()).build();
    }

    /** The template's Fn::Join of an ARN in the stack's partition, region and account. */
    static String arn(String service, String resource) {
        return "{\"Fn::Join\":[\"\",[\"arn:\",{\"Ref\":\"AWS::Partition\"},\"" + service
                + "\",{\"Ref\":\"AWS::Region\"},\":\",{\"Ref\":\"AWS::AccountId\"},\"" + resource + "\"]]}";
    }
}
