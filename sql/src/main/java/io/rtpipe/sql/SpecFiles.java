package io.rtpipe.sql;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.spec.SpecLoader;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The one owner of which language a metric spec is written in, by its name: {@code .sql} is SQL, KDA application
 * code ({@link KdaSqlLoader}) when it creates a pump, else rtpipe's dialect ({@link SqlSpecLoader}); anything else YAML
 * (core's {@link SpecLoader}, the {@code .yaml}/{@code .yml} files it always read). Every component that loads a spec (the cli's commands, connectors' {@code MetricSpecs} for files and
 * {@code s3://} objects, hence the consumer and the Lambda, and the CDK app's synth check) goes through here, so a
 * {@code .sql} file goes wherever a YAML one does. All loaders build the same {@link EngineConfig}; all throw
 * core's located {@code SpecException}.
 */
public final class SpecFiles {

    /** The extension that selects SQL, compared ignoring case. */
    public static final String SQL_EXTENSION = ".sql";

    private SpecFiles() {
    }

    /** Whether {@code name} (a path or {@code s3://BUCKET/KEY}) is a SQL spec. */
    public static boolean isSql(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(SQL_EXTENSION);
    }

    /** Loads the spec file {@code file} in the language its name says. */
    public static EngineConfig load(Path file) {
        if (!isSql(file.toString())) {
            return SpecLoader.standard().load(file);
        }
        return parse(file.toString(), SqlTerms.read(file));
    }

    /** Parses spec text named {@code name} (used for the language and in error messages). */
    public static EngineConfig parse(String name, String text) {
        if (!isSql(name)) {
            return SpecLoader.standard().parse(name, text);
        }
        return KdaSqlLoader.isKda(text) ? KdaSqlLoader.standard().parse(name, text)
                : SqlSpecLoader.standard().parse(name, text);
    }
}
