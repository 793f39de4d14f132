package io.rtpipe.contract;

/** Every DynamoDB table rtpipe writes, by role, and the attributes the CDK app must know about. */
public final class Tables {

    /** Window partials, one item per (metric, window, key, shard): see connectors' {@code ResultsTable}. */
    public static final TableSchema RESULTS = new TableSchema("metric", "sk");

    /** Shard progress (watermark state at a checkpoint): see connectors' {@code ProgressStore}. */
    public static final TableSchema PROGRESS = new TableSchema("shard", "checkpoint");

    /**
     * The alert ledger, one item per (metric, output, key, throttle slot) holding the notification's id and whether it
     * was sent: see connectors' {@code AlertLedger}.
     */
    public static final TableSchema ALERTS = new TableSchema("metric", "slot");

    /** KCL's lease table, as KCL 2.x creates it. */
    public static final TableSchema LEASES = new TableSchema("leaseKey", null);

    /** Results-table attribute holding an item's expiry in epoch seconds; the table's TTL attribute. */
    public static final String RESULTS_TTL_ATTRIBUTE = "expiresAt";

    /**
     * Sort-key prefix of the results table's fired-through marks, one item per (metric, shard); it sorts above every
     * window start. Marks carry no {@link #RESULTS_TTL_ATTRIBUTE}: a closed shard's mark must last as long as
     * ListShards returns the shard, or every later window would read as partial.
     */
    public static final String RESULTS_MARK_SORT_KEY_PREFIX = "~fired_through#";

    private Tables() {
    }
}
