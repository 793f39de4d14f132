package io.rtpipe.core.aggregate;

/** Whether an aggregate function takes a {@code field}. */
public enum FieldUse {
    REQUIRED, OPTIONAL, NONE
}
