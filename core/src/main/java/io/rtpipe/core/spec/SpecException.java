package io.rtpipe.core.spec;

/**
 * A mistake in a metrics spec, located: the message is one sentence of the form
 * {@code metrics.yaml:7: metrics[0].window.size: found "1 minute", expected a duration such as 30s, 1m, 1h}.
 * The cli exits with status 2 on it.
 */
public final class SpecException extends IllegalArgumentException {
    private final String file;
    private final int line;
    private final String field;
    private final String found;
    private final String expected;

    /**
     * @param file     the spec's name as the user gave it
     * @param line     1-based line of the offending value (or of the mapping missing a key)
     * @param field    the path of the value, e.g. {@code metrics[0].window.size}; empty for the whole document
     * @param found    what was there, e.g. {@code "1 minute"} (quoted for strings) or {@code nothing}
     * @param expected what is allowed there
     */
    public SpecException(String file, int line, String field, String found, String expected) {
        super(file + ":" + line + ": " + (field.isEmpty() ? "" : field + ": ") + "found " + found + ", expected "
                + expected);
        this.file = file;
        this.line = line;
        this.field = field;
        this.found = found;
        this.expected = expected;
    }

    /**
     * A mistake located by line and column (SQL specs): the message is {@code file:line:column: sentence}, e.g.
     * {@code app.sql:3:15: HAVING is refused: ...}; {@link #field()} is empty, {@link #found()} and
     * {@link #expected()} are the sentence and empty.
     */
    public SpecException(String file, int line, int column, String sentence) {
        super(file + ":" + line + ":" + column + ": " + sentence);
        this.file = file;
        this.line = line;
        this.field = "";
        this.found = sentence;
        this.expected = "";
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String field() {
        return field;
    }

    public String found() {
        return found;
    }

    public String expected() {
        return expected;
    }
}
