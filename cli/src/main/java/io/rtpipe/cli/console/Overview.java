package io.rtpipe.cli.console;

import java.util.List;

/**
 * The stream's state at one sample, and the rates of the samples before it.
 *
 * @param error   one sentence if the last sample failed (the figures are then the previous sample's), else null
 * @param history the rates of recent samples, oldest first (at most {@link Sampler#HISTORY_POINTS})
 */
record Overview(String stream, String application, String sampledAt, String error, Rates rates, List<Rates> history,
                List<ShardView> shards, List<MetricName> metrics) {

    /** Records per second at {@code t} (epoch ms), each averaged over {@link ConsoleConfig#RATE_SPAN}. */
    record Rates(long t, double in, double out, double late, double dead) {}

    record MetricName(String name, String window) {}
}
