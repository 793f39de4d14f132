package io.rtpipe.core.testing;

import io.rtpipe.core.reference.ReferenceTable;
import io.rtpipe.core.task.ReferencePort;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reference tables in memory, every version kept (as a versioned S3 bucket keeps them) until {@link #forget}: a test
 * {@link #publish}es a new version to reload, as the loader does when the source changes.
 */
public final class InMemoryReferences implements ReferencePort {
    private final Map<String, ReferenceTable> newest = new LinkedHashMap<>();
    private final Map<String, Map<String, ReferenceTable>> versions = new HashMap<>();

    /** Makes {@code table} its reference's newest version: the next checkpoint offers it. */
    public InMemoryReferences publish(ReferenceTable table) {
        newest.put(table.name(), table);
        versions.computeIfAbsent(table.name(), name -> new HashMap<>()).put(table.version(), table);
        return this;
    }

    /** Drops an old version, as an unversioned source loses what was overwritten. */
    public void forget(String name, String version) {
        versions.getOrDefault(name, Map.of()).remove(version);
    }

    @Override
    public Map<String, ReferenceTable> newest() {
        return Map.copyOf(newest);
    }

    @Override
    public Optional<ReferenceTable> version(String name, String version) {
        return Optional.ofNullable(versions.getOrDefault(name, Map.of()).get(version));
    }
}
