package io.rtpipe.cli;

import io.rtpipe.contract.Durations;
import picocli.CommandLine;

import java.time.Duration;

/** Reads durations in the contract's format ({@link Durations}): {@code 500ms}, {@code 30s}, {@code 2m}, {@code 30d}, ISO-8601. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
