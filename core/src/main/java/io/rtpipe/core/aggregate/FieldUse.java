package io.rtpipe.core.aggregate;

/** Whether an aggregate function takes a {@code field}, or a list of them ({@code fields}, {@link #LIST}). */
public enum FieldUse {
    REQUIRED, OPTIONAL, NONE,
    /** One or more fields under {@code fields:}, read together ({@link ValueInput#VECTOR}). */
    LIST
}
