package io.rtpipe.connectors.reference;

import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.reference.ReferenceSpec;
import io.rtpipe.core.reference.ReferenceTable;

import java.time.Duration;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Loaded by {@link ParquetRowsTest} in a class loader without Hadoop (as a deployed consumer runs): a Parquet file's
 * table, as the key-sorted text of its rows' values.
 */
public final class ReadWithoutHadoop implements Function<String, String> {
    @Override
    public String apply(String path) {
        ReferenceSpec.LocalFile file = new ReferenceSpec.LocalFile(path);
        ReferenceTable table = new FileTableSource(new ReferenceSpec("products", file, ReferenceSpec.Format.PARQUET,
                "product_id", FieldPath.parse("product"), Duration.ofHours(1)), file).newest(null);
        StringBuilder text = new StringBuilder();
        table.rows().keySet().stream().sorted().forEach(key -> text.append(key).append('=')
                .append(new TreeMap<>(table.row(key).values())).append(';'));
        return text.toString();
    }
}
