package io.rtpipe.core.publish;

/** Reads a metric's {@link ShardMarks}; called before the rows they judge (a mark is stored after its partials). */
public interface ShardMarksPort {
    ShardMarks marks(String metric);
}
