package io.rtpipe.core.task;

import io.rtpipe.core.reference.ReferenceTable;

import java.util.Map;
import java.util.Optional;

/**
 * Where a {@link ShardTask} gets the reference tables its spec joins with: the newest loaded version of each (a
 * loader reloads them in the background at the spec's interval), and a given older version, to restart a shard with
 * the tables its progress names. May be shared by the tasks of many shards.
 */
public interface ReferencePort {

    /** No reference tables: for specs without {@code references}. */
    ReferencePort NONE = new ReferencePort() {
        @Override
        public Map<String, ReferenceTable> newest() {
            return Map.of();
        }

        @Override
        public Optional<ReferenceTable> version(String name, String version) {
            return Optional.empty();
        }
    };

    /** Per reference name, the newest table loaded; never blocks on a reload. */
    Map<String, ReferenceTable> newest();

    /**
     * The table of reference {@code name} at {@code version}, if its source still has that version (a versioned S3
     * bucket does; an overwritten unversioned object or a changed DynamoDB table does not).
     */
    Optional<ReferenceTable> version(String name, String version);
}
