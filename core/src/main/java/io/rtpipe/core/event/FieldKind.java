package io.rtpipe.core.event;

/** What a top-level field of a decoded event held; {@link #description()} names it in dead-letter reasons. */
public enum FieldKind {
    MISSING("nothing"),
    STRING("string"),
    INTEGER("integer"),
    /** An integral number that does not fit a signed 64-bit long. */
    INTEGER_TOO_LARGE("integer too large for 64 bits"),
    DECIMAL("floating-point number"),
    BOOLEAN("boolean"),
    NULL("null"),
    OBJECT("object"),
    ARRAY("array");

    private final String description;

    FieldKind(String description) {
        this.description = description;
    }

    /** The kind as a noun for messages, e.g. "string" in "ts: expected an integer ..., found string". */
    public String description() {
        return description;
    }
}
