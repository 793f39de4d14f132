package org.apache.parquet;

import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.format.converter.ParquetMetadataConverter;

import java.util.Map;

/**
 * Read options that load no Hadoop class: {@code ParquetReadOptions.Builder}'s constructor always builds Hadoop's
 * codec factory first (parquet 1.18.2), which fails without Hadoop on the class path (rtpipe ships none). Its
 * constructor is package-private, hence this class in Parquet's package; a change of its parameters breaks the
 * build here, never a run. Every filter off (a reference table is read whole), the reader's default 8 MiB
 * allocation bound, no decryption.
 */
public final class HadoopFreeReadOptions {
    private HadoopFreeReadOptions() {
    }

    public static ParquetReadOptions of(CompressionCodecFactory codecs) {
        return new ParquetReadOptions(false, false, false, false, false, false, false, false, false,
                FilterCompat.NOOP, ParquetMetadataConverter.NO_FILTER, codecs, new HeapByteBufferAllocator(),
                8 << 20, Map.of(), null, null, new PlainParquetConfiguration());
    }
}
