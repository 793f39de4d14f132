package io.rtpipe.core.event;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.UUID;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * What precedes a binary record's body and names its writer schema (docs/metrics.md "Framing"):
 * <ul>
 *   <li>{@link #PLAIN}: nothing, the record is the body;</li>
 *   <li>{@link #CONFLUENT}: magic byte 0, then the schema id as a 4-byte big-endian integer (Confluent's
 *       serializers; for Protobuf they add the message indexes before the body);</li>
 *   <li>{@link #GLUE}: the AWS Glue Schema Registry header: version byte 3, compression byte (0 none, 5 zlib), the
 *       16-byte schema version UUID, then the body, zlib-deflated when the compression byte says so (for Protobuf the
 *       Glue serializer puts one varint message index before the message).</li>
 * </ul>
 */
public enum Framing {
    PLAIN, CONFLUENT, GLUE;

    static final byte CONFLUENT_MAGIC = 0;
    static final byte GLUE_HEADER_VERSION = 3;
    static final byte GLUE_COMPRESSION_NONE = 0;
    static final byte GLUE_COMPRESSION_ZLIB = 5;
    private static final int CONFLUENT_HEADER = 5;
    private static final int GLUE_HEADER = 18;
    /** A zlib body inflating beyond this is refused: Kinesis records are at most 1 MiB, this is 16 times that. */
    private static final int MAX_INFLATED_BYTES = 16 << 20;

    /** The name a spec writes: plain, confluent, glue. */
    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The framing a spec names, or null. */
    public static Framing ofSpecName(String name) {
        for (Framing framing : values()) {
            if (framing.specName().equals(name)) {
                return framing;
            }
        }
        return null;
    }

    /**
     * Splits a record into its schema id and body.
     *
     * @throws BadRecordException with one sentence when the header is not this framing's
     */
    Framed read(byte[] data) {
        switch (this) {
            case PLAIN -> {
                return new Framed(null, data, 0, data.length);
            }
            case CONFLUENT -> {
                if (data.length < CONFLUENT_HEADER || data[0] != CONFLUENT_MAGIC) {
                    throw new BadRecordException("not Confluent-framed: expected magic byte 0 and a 4-byte schema id, "
                            + "found " + describeStart(data));
                }
                int id = ByteBuffer.wrap(data, 1, 4).getInt();
                return new Framed(new SchemaId(CONFLUENT, Integer.toUnsignedString(id)), data, CONFLUENT_HEADER,
                        data.length - CONFLUENT_HEADER);
            }
            default -> {
                if (data.length < GLUE_HEADER || data[0] != GLUE_HEADER_VERSION) {
                    throw new BadRecordException("not Glue Schema Registry-framed: expected header version byte 3, "
                            + "a compression byte and a 16-byte schema version id, found " + describeStart(data));
                }
                ByteBuffer header = ByteBuffer.wrap(data, 2, 16);
                SchemaId id = new SchemaId(GLUE, new UUID(header.getLong(), header.getLong()).toString());
                return switch (data[1]) {
                    case GLUE_COMPRESSION_NONE -> new Framed(id, data, GLUE_HEADER, data.length - GLUE_HEADER);
                    case GLUE_COMPRESSION_ZLIB -> {
                        byte[] body = inflate(data, GLUE_HEADER);
                        yield new Framed(id, body, 0, body.length);
                    }
                    default -> throw new BadRecordException("not Glue Schema Registry-framed: compression byte "
                            + (data[1] & 0xff) + " is neither 0 (none) nor 5 (zlib)");
                };
            }
        }
    }

    private static byte[] inflate(byte[] data, int offset) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data, offset, data.length - offset);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, 4 * (data.length - offset)));
            byte[] chunk = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new BadRecordException("the Glue Schema Registry body is not complete zlib data");
                }
                out.write(chunk, 0, n);
                if (out.size() > MAX_INFLATED_BYTES) {
                    throw new BadRecordException("the Glue Schema Registry body inflates beyond "
                            + (MAX_INFLATED_BYTES >> 20) + " MiB");
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new BadRecordException("the Glue Schema Registry body is not valid zlib data (" + e.getMessage()
                    + ")");
        } finally {
            inflater.end();
        }
    }

    /** The record's first bytes in hex, for a reason that shows what the header was instead. */
    private static String describeStart(byte[] data) {
        if (data.length == 0) {
            return "an empty record";
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(data.length, 4); i++) {
            hex.append(String.format("%02x", data[i]));
        }
        return data.length + " bytes starting " + hex + (data.length > 4 ? "..." : "");
    }

    /**
     * A record split by its framing.
     *
     * @param schemaId the writer schema's id in the record, null for {@link #PLAIN}
     */
    record Framed(SchemaId schemaId, byte[] body, int offset, int length) {
    }
}
