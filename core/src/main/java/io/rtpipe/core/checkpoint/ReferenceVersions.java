package io.rtpipe.core.checkpoint;

import io.rtpipe.core.record.RecordPosition;

import java.util.Map;
import java.util.Objects;

/**
 * Which version of each reference table a shard joins its records with, from right after the record at
 * {@code after} on: a reload is decided at a checkpoint and applies to the records after the last one processed
 * then, so the records before it keep the version they were read with. Kept in {@link ShardProgress} while a
 * replay from its checkpoint could still reach {@code after}.
 *
 * @param after    the last record processed before the switch; null: from the shard's first record (or from the
 *                 progress's checkpoint, for the versions in effect there)
 * @param versions per reference name, its table's version
 */
public record ReferenceVersions(RecordPosition after, Map<String, String> versions) {
    public ReferenceVersions {
        versions = Map.copyOf(Objects.requireNonNull(versions, "versions"));
    }
}
