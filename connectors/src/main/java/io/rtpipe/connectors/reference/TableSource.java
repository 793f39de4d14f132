package io.rtpipe.connectors.reference;

import io.rtpipe.core.reference.ReferenceSpec;
import io.rtpipe.core.reference.ReferenceTable;

import java.util.Optional;

/** Where one reference table's rows are read from: its current version, or an older one if the source keeps it. */
interface TableSource {

    /**
     * The current version; {@code current} (null: none yet) when the source says it is unchanged.
     *
     * @throws io.rtpipe.core.reference.ReferenceException when it cannot be read or used
     */
    ReferenceTable newest(ReferenceTable current);

    /** The table at {@code version}, if the source still has it. */
    Optional<ReferenceTable> version(String version);

    /**
     * An object's or file's bytes, already bounded in size, read in the spec's format: Parquet here, text in core.
     *
     * @throws io.rtpipe.core.reference.ReferenceException when the content cannot be used
     */
    static ReferenceTable parse(ReferenceSpec spec, String version, byte[] content) {
        return spec.format() == ReferenceSpec.Format.PARQUET ? ParquetRows.read(spec, version, content)
                : ReferenceTable.parse(spec, version, content);
    }
}
