package io.rtpipe.cli.logging;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Logback's JSON lines with the event time as an ISO-8601 UTC string ({@code "2026-12-03T12:57:21.657Z"}), as AWS
 * tooling writes and reads times (CloudWatch Logs Insights, the SDKs' own JSON), instead of logback's epoch
 * milliseconds. The other fields are logback's.
 */
public final class IsoTimeJsonEncoder extends JsonEncoder {

    /** Fixed milliseconds, so every line's time has the same width ({@code Instant.toString} drops zero fractions). */
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    public IsoTimeJsonEncoder() {
        setWithTimestamp(false); // the numeric one; appendCustomFields writes the ISO one under the same name
    }

    @Override
    protected void appendCustomFields(StringBuilder sb, ILoggingEvent event) {
        // Custom fields follow the level (always written), so they open with a separator.
        sb.append(",\"").append(TIMESTAMP_ATTR_NAME).append("\":\"")
                .append(ISO_MILLIS.format(Instant.ofEpochMilli(event.getTimeStamp()))).append('"');
    }
}
