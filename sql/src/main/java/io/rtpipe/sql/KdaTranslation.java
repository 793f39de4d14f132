package io.rtpipe.sql;

import io.rtpipe.core.engine.EngineConfig;

import java.util.List;

/**
 * KDA application code as {@link KdaSqlLoader#translate} compiled it: the engine configuration, and what a KDA user
 * migrating the application needs to read about it, each note located in the application file (docs/sql.md,
 * "Migrating a KDA application"). A construct the engine cannot run is not a note but the loader's located
 * {@code SpecException}. Immutable.
 *
 * @param config the metrics, as {@link KdaSqlLoader#parse} returns them
 * @param notes  in file order: each statement and what it became, then the semantic differences
 */
public record KdaTranslation(EngineConfig config, List<Note> notes) {

    public KdaTranslation {
        notes = List.copyOf(notes);
    }

    /** What a note tells. */
    public enum Kind {
        /** A statement of the application and what it became. */
        STATEMENT,
        /** Where rtpipe's results differ in meaning from KDA's for this application. */
        DIFFERENCE
    }

    /**
     * One note.
     *
     * @param line   1-based line in the application file, or 0 for a note about the whole application
     * @param column 1-based column, or 0 with line 0
     * @param text   one sentence
     */
    public record Note(Kind kind, int line, int column, String text) {
    }
}
