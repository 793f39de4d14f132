package io.rtpipe.connectors.dynamodb;

import java.util.List;

/** A table exists with other key attributes than rtpipe writes: a configuration error, not a transient one. */
public final class KeySchemaMismatchException extends IllegalStateException {

    private final String table;
    private final List<String> expected;
    private final List<String> found;

    KeySchemaMismatchException(String table, List<String> expected, List<String> found) {
        super("DynamoDB table " + table + " is keyed " + String.join("/", found) + " but rtpipe writes items keyed "
                + String.join("/", expected) + ": point rtpipe at a table with that key schema or deploy the "
                + "current template.");
        this.table = table;
        this.expected = List.copyOf(expected);
        this.found = List.copyOf(found);
    }

    public String table() {
        return table;
    }

    /** Key attribute names rtpipe writes, partition key first. */
    public List<String> expected() {
        return expected;
    }

    /** Key attribute names of the existing table, partition key first. */
    public List<String> found() {
        return found;
    }
}
