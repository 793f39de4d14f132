package io.rtpipe.connectors.publish;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Parquet's GZIP codec on the JDK's {@code java.util.zip}: parquet-hadoop's own factory loads Hadoop's codec
 * classes, this one nothing beyond the JDK. The JDK writes a fixed gzip header (no file name, modification time 0),
 * so equal pages compress to equal bytes. Readers (Athena, Spark, the tests) see ordinary GZIP pages. It also reads
 * uncompressed pages (Parquet reference tables, {@code connectors.reference.ParquetRows}); the codecs parquet-hadoop
 * would need native libraries for (Snappy, ZSTD, LZ4) are left out of the build.
 */
public final class GzipCodecs implements CompressionCodecFactory {

    public static final GzipCodecs INSTANCE = new GzipCodecs();

    private GzipCodecs() {
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        requireGzip(codec);
        return new BytesInputCompressor() {
            @Override
            public BytesInput compress(BytesInput bytes) throws IOException {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                    bytes.writeAllTo(gzip);
                }
                return BytesInput.from(out.toByteArray());
            }

            @Override
            public CompressionCodecName getCodecName() {
                return CompressionCodecName.GZIP;
            }

            @Override
            public void release() {
            }
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        if (!reads(codec)) {
            throw new IllegalArgumentException("rtpipe reads uncompressed or GZIP Parquet pages, not " + codec);
        }
        boolean gzip = codec == CompressionCodecName.GZIP;
        return new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
                if (!gzip) {
                    return bytes;
                }
                try (InputStream gzip = new GZIPInputStream(bytes.toInputStream())) {
                    return BytesInput.from(gzip.readNBytes(uncompressedSize));
                }
            }

            @Override
            public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                    throws IOException {
                byte[] compressed = new byte[compressedSize];
                input.get(compressed);
                output.put(decompress(BytesInput.from(compressed), uncompressedSize).toByteArray());
            }

            @Override
            public void release() {
            }
        };
    }

    @Override
    public void release() {
    }

    /** Whether {@link #getDecompressor} reads pages compressed with {@code codec}. */
    public static boolean reads(CompressionCodecName codec) {
        return codec == CompressionCodecName.GZIP || codec == CompressionCodecName.UNCOMPRESSED;
    }

    private static void requireGzip(CompressionCodecName codec) {
        if (codec != CompressionCodecName.GZIP) {
            throw new IllegalArgumentException("rtpipe's Parquet objects are GZIP-compressed, not " + codec);
        }
    }
}
