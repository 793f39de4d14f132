package io.rtpipe.cli;

import io.rtpipe.connectors.aws.AwsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code rtpipe tail}: prints a stream's records as they arrive, one per line, aggregated records split. */
@Command(name = "tail",
        mixinStandardHelpOptions = true,
        description = {"Prints the records of a Kinesis stream as they arrive, one per line (like kcat -C), across all "
                + "shards; KPL aggregated records are split into the events producers sent.",
                "Runs until Ctrl-C, or until --max records were printed."})
public final class TailCommand implements Callable<Integer> {

    enum Start {
        trim_horizon(StreamTail.From.TRIM_HORIZON),
        latest(StreamTail.From.LATEST),
        timestamp(StreamTail.From.TIMESTAMP);

        final StreamTail.From from;

        Start(StreamTail.From from) {
            this.from = from;
        }
    }

    @Spec
    CommandSpec spec;

    @Mixin
    AwsOptions aws;

    @Option(names = "--stream", required = true, defaultValue = "${env:RTPIPE_STREAM_NAME}",
            description = "The Kinesis stream (env RTPIPE_STREAM_NAME).")
    String stream;

    @Option(names = "--from", defaultValue = "latest", paramLabel = "POSITION",
            converter = StartConverter.class,
            description = "trim-horizon (everything the stream holds), latest (default: only new records) or "
                    + "timestamp (from --timestamp on).")
    Start start;

    @Option(names = "--timestamp", paramLabel = "TIME",
            description = "With --from timestamp: an ISO-8601 instant such as 2026-11-26T05:00:00Z.")
    String timestamp;

    @Option(names = "--max", defaultValue = "0", paramLabel = "N",
            description = "Stop after N records (default: run until Ctrl-C).")
    long max;

    static final class StartConverter implements ITypeConverter<Start> {
        @Override
        public Start convert(String value) {
            try {
                return Start.valueOf(value.toLowerCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(
                        "--from must be trim-horizon, latest or timestamp, got '" + value + "'");
            }
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        if (max < 0) {
            throw new CliException("--max must be a positive number of records, or 0 for no limit, got " + max);
        }
        Instant at = timestamp();
        AwsCalls calls = new AwsCalls(aws, Set.of(AwsConfig.Service.KINESIS));
        calls.requireStream(stream);
        PrintWriter out = spec.commandLine().getOut();
        try (KinesisAsyncClient kinesis = calls.clients().kinesisAsync()) {
            StreamTail tail = new StreamTail(kinesis, stream);
            calls.run(AwsConfig.Service.KINESIS, () -> {
                try {
                    return tail.follow(start.from, at, max, record -> {
                        byte[] data = new byte[record.data().remaining()];
                        record.data().duplicate().get(data);
                        out.println(new String(data, StandardCharsets.UTF_8));
                        out.flush(); // a reader (or a pipe to grep) sees each record as it arrives
                    });
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0L;
                }
            });
        }
        return 0;
    }

    private Instant timestamp() {
        if (start != Start.timestamp) {
            if (timestamp != null) {
                throw new CliException("--timestamp needs --from timestamp");
            }
            return null;
        }
        if (timestamp == null) {
            throw new CliException("--from timestamp needs --timestamp, an ISO-8601 instant such as "
                    + "2026-11-26T05:00:00Z");
        }
        try {
            return Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            throw new CliException("--timestamp must be an ISO-8601 instant such as 2026-11-26T05:00:00Z, got '"
                    + timestamp + "'");
        }
    }
}
