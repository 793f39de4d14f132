package io.rtpipe.core.reference;

/** Gives an engine the table of a reference at a version its progress names. */
@FunctionalInterface
public interface VersionedTables {

    /**
     * The table of reference {@code name} at {@code version}; null {@code version}: the progress names none (a new
     * shard, or a reference new to the spec), the newest. The table returned may be of another version than asked
     * (the source no longer holds it): the engine records the version it got.
     */
    ReferenceTable table(String name, String version);
}
