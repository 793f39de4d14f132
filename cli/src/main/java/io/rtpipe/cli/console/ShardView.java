package io.rtpipe.cli.console;

/**
 * One shard as the console shows it.
 *
 * @param open       false once the shard was closed by a reshard
 * @param owner      the worker holding its lease, or null
 * @param checkpoint the lease's checkpoint (a sequence number, TRIM_HORIZON, SHARD_END), or null without a lease
 * @param lagMillis  how old the oldest record after the checkpoint is (0 when there is none), or null if unknown
 * @param firedUpTo  the stored progress: every window ending at or before this instant was written for this shard
 *                   (the earliest over the metrics), or null before the first stored progress
 * @param inPerSecond records put on the shard per second since the console started ({@link ConsoleConfig#RATE_SPAN})
 */
record ShardView(String shardId, boolean open, String owner, String checkpoint, Long lagMillis, String firedUpTo,
                 double inPerSecond) {}
