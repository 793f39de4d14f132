package io.rtpipe.core.aggregate;

/** One entry of a topk result: a value and how often it occurred (an estimate when the sketch had to purge). */
public record TopKRow(String value, long count) {
}
