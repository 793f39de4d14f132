package io.rtpipe.cli;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.schema.SchemaRegistries;
import io.rtpipe.connectors.spec.MetricSpecs;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.spec.SpecException;
import io.rtpipe.sql.SpecFiles;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code --metrics FILE} option shared by the commands: a YAML or SQL ({@code .sql}) spec file, or the built-in metric; for
 * {@code rtpipe consume} also an S3 object, as the CDK app ships a spec to the consumer task.
 */
final class MetricsFile {

    private MetricsFile() {
    }

    /**
     * @param file the spec file, or null for the built-in {@code events_per_minute}
     * @throws CliException (exit 2) for a missing file or a mistake in it, as one located sentence
     */
    static EngineConfig load(Path file) {
        return file == null ? EngineConfig.defaults() : load(file, "--metrics");
    }

    /**
     * For the commands that feed the engine text lines ({@code local}'s generator and files, {@code preview}'s file):
     * a spec decoding binary records would make every line a dead letter, so it is refused.
     *
     * @param command the command's name for the message, e.g. {@code rtpipe preview}
     * @throws CliException (exit 2) as {@link #load(Path)}, or for a binary decoder
     */
    static EngineConfig loadForLines(Path file, String command) {
        EngineConfig config = load(file);
        String format = config.decoder().binaryFormat();
        if (format != null) {
            throw new CliException(command + " feeds the engine text lines, and " + file + " decodes binary "
                    + format + " records: run that spec with rtpipe consume", CliException.USAGE);
        }
        return config;
    }

    /**
     * For the commands that run the engine on a stream: also attaches the schema registry the spec's decoder reads
     * ({@link SchemaRegistries}, Glue through {@code clients}' AWS configuration).
     *
     * @param location a file, {@code s3://BUCKET/KEY} (read with {@code clients}' S3 client), or null for the
     *                 built-in metric
     * @throws CliException (exit 2) for a spec that cannot be read or has a mistake, as one located sentence
     */
    static EngineConfig load(String location, AwsClients clients) {
        try {
            if (location == null || !MetricSpecs.isS3(location)) {
                return SchemaRegistries.attach(load(location == null ? null : Path.of(location)), clients);
            }
            return MetricSpecs.load(location, clients);
        } catch (IllegalArgumentException e) { // SpecException, SpecUnavailableException, or no Glue endpoint
            throw new CliException(e.getMessage(), CliException.USAGE, e);
        }
    }

    /** @param what how the message names the file if it is missing, e.g. {@code --metrics} or {@code SPEC} */
    static EngineConfig load(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new CliException(what + ": no such file: " + file);
        }
        try {
            return SpecFiles.load(file);
        } catch (SpecException e) {
            throw new CliException(e.getMessage(), CliException.USAGE, e);
        }
    }
}
