package io.rtpipe.connectors.reference;

import io.rtpipe.connectors.publish.GzipCodecs;
import io.rtpipe.core.reference.ReferenceException;
import io.rtpipe.core.reference.ReferenceSpec;
import io.rtpipe.core.reference.ReferenceTable;
import org.apache.parquet.HadoopFreeReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Parquet object's rows as a reference table: the one reader of {@code format: parquet} (core reads the text
 * formats and gets these rows through {@link ReferenceTable#ofRows}, so its key, duplicate and row-count rules are
 * the same). Columns must be flat scalars: a UTF-8 string, a signed integer (INT32 or INT64, no date, time or
 * decimal annotation), FLOAT or DOUBLE, or BOOLEAN; a null cell leaves the column out of its row. Pages must be
 * uncompressed or GZIP ({@link GzipCodecs}: no Hadoop or native codec at run time).
 */
final class ParquetRows {
    private ParquetRows() {
    }

    /**
     * The table at {@code version} held by {@code content}.
     *
     * @throws ReferenceException when the bytes are over the bound or not Parquet, a column is not a flat scalar
     *                            or uses another codec, or core refuses the rows
     */
    static ReferenceTable read(ReferenceSpec spec, String version, byte[] content) {
        if (content.length > ReferenceSpec.MAX_BYTES) {
            throw ReferenceTable.tooLarge(spec, content.length);
        }
        ParquetReadOptions options = HadoopFreeReadOptions.of(GzipCodecs.INSTANCE);
        List<Map<String, Object>> rows = new ArrayList<>();
        try (ParquetFileReader reader = ParquetFileReader.open(new BytesInputFile(content), options)) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            List<Type> columns = schema.getFields();
            columns.forEach(column -> requireScalar(spec, column));
            for (BlockMetaData block : reader.getFooter().getBlocks()) {
                for (ColumnChunkMetaData chunk : block.getColumns()) {
                    if (!GzipCodecs.reads(chunk.getCodec())) {
                        throw new ReferenceException(spec, "column " + chunk.getPath().toDotString()
                                + " is compressed with " + chunk.getCodec() + ", expected uncompressed or GZIP pages");
                    }
                }
            }
            PageReadStore pages;
            // One row past the bound is enough for core to refuse the table; reading on would only fill the heap.
            while ((pages = reader.readNextRowGroup()) != null && rows.size() <= ReferenceSpec.MAX_ROWS) {
                RecordReader<Group> records = new ColumnIOFactory().getColumnIO(schema)
                        .getRecordReader(pages, new GroupRecordConverter(schema));
                for (long i = 0; i < pages.getRowCount() && rows.size() <= ReferenceSpec.MAX_ROWS; i++) {
                    rows.add(values(records.read(), columns));
                }
            }
        } catch (ReferenceException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ReferenceException(spec, "is not a readable Parquet file (" + e.getMessage() + ")", e);
        }
        return ReferenceTable.ofRows(spec, version, rows);
    }

    private static void requireScalar(ReferenceSpec spec, Type column) {
        String problem = null;
        if (!column.isPrimitive()) {
            problem = "is a group (nested columns are not read)";
        } else if (column.isRepetition(Type.Repetition.REPEATED)) {
            problem = "is repeated (lists are not read)";
        } else if (!scalar(column.asPrimitiveType())) {
            LogicalTypeAnnotation annotation = column.getLogicalTypeAnnotation();
            problem = "has the type " + column.asPrimitiveType().getPrimitiveTypeName()
                    + (annotation == null ? "" : " (" + annotation + ")");
        }
        if (problem != null) {
            throw new ReferenceException(spec, "column " + column.getName() + " " + problem
                    + ", expected a string, INT32, INT64, FLOAT, DOUBLE or BOOLEAN column");
        }
    }

    private static boolean scalar(PrimitiveType column) {
        LogicalTypeAnnotation annotation = column.getLogicalTypeAnnotation();
        return switch (column.getPrimitiveTypeName()) {
            case BINARY -> annotation instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation;
            // An unsigned INT64 can pass a long's range; every other integer annotation fits one.
            case INT32 -> annotation == null || annotation instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation;
            case INT64 -> annotation == null || annotation instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i
                    && i.isSigned();
            case FLOAT, DOUBLE, BOOLEAN -> annotation == null;
            default -> false;
        };
    }

    private static Map<String, Object> values(Group row, List<Type> columns) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int field = 0; field < columns.size(); field++) {
            if (row.getFieldRepetitionCount(field) == 0) {
                continue;
            }
            Type column = columns.get(field);
            values.put(column.getName(), switch (column.asPrimitiveType().getPrimitiveTypeName()) {
                case BINARY -> row.getString(field, 0);
                case INT32 -> unsigned(column) ? Integer.toUnsignedLong(row.getInteger(field, 0))
                        : (long) row.getInteger(field, 0);
                case INT64 -> row.getLong(field, 0);
                case FLOAT -> (double) row.getFloat(field, 0);
                case DOUBLE -> row.getDouble(field, 0);
                case BOOLEAN -> row.getBoolean(field, 0);
                default -> throw new IllegalStateException("requireScalar let " + column + " through");
            });
        }
        return values;
    }

    private static boolean unsigned(Type column) {
        return column.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i
                && !i.isSigned();
    }

    /** The object's bytes as a Parquet {@link InputFile}: the source has read them whole to bound their size. */
    private record BytesInputFile(byte[] bytes) implements InputFile {
        @Override
        public long getLength() {
            return bytes.length;
        }

        @Override
        public SeekableInputStream newStream() {
            Positioned in = new Positioned(bytes);
            return new DelegatingSeekableInputStream(in) {
                @Override
                public long getPos() {
                    return in.position();
                }

                @Override
                public void seek(long newPos) {
                    in.seek((int) newPos);
                }
            };
        }
    }

    /** A byte stream that can say and move its position. */
    private static final class Positioned extends ByteArrayInputStream {
        Positioned(byte[] bytes) {
            super(bytes);
        }

        int position() {
            return pos;
        }

        void seek(int position) {
            pos = position;
        }
    }
}
