package io.rtpipe.connectors.reference;

import io.rtpipe.core.reference.ReferenceException;
import io.rtpipe.core.reference.ReferenceSpec;
import io.rtpipe.core.reference.ReferenceTable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A local file, versioned by the digest of its bytes: only its current version can be read. */
final class FileTableSource implements TableSource {
    private final ReferenceSpec spec;
    private final Path file;

    FileTableSource(ReferenceSpec spec, ReferenceSpec.LocalFile source) {
        this.spec = spec;
        this.file = Path.of(source.path());
    }

    @Override
    public ReferenceTable newest(ReferenceTable current) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > ReferenceSpec.MAX_BYTES) {
                throw ReferenceTable.tooLarge(spec, size);
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ReferenceException(spec, "cannot be read (" + e + ")", e);
        }
        return TableSource.parse(spec, ReferenceTable.digest(bytes), bytes);
    }

    @Override
    public Optional<ReferenceTable> version(String version) {
        ReferenceTable now = newest(null);
        return now.version().equals(version) ? Optional.of(now) : Optional.empty();
    }
}
