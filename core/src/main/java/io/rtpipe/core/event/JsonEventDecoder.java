package io.rtpipe.core.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.List;

/**
 * Pulls a fixed set of top-level fields out of a JSON object with Jackson's streaming parser: fields nobody asked for
 * are skipped without being materialized, which keeps decoding cheap on the hot path.
 * <p>
 * Not thread-safe (it reuses one {@link EventFields}); one decoder per shard engine.
 * If a field occurs more than once in an object, the last occurrence wins (as with Jackson's tree model).
 */
public final class JsonEventDecoder {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private final String[] fieldNames;
    private final EventFields fields;

    /** @param fieldNames the top-level fields to extract; their list index is their slot in {@link EventFields} */
    public JsonEventDecoder(List<String> fieldNames) {
        this.fieldNames = fieldNames.toArray(String[]::new);
        this.fields = new EventFields(this.fieldNames.length);
    }

    /** The fields of the most recently decoded event (valid until the next {@link #decode}). */
    public EventFields fields() {
        return fields;
    }

    /**
     * Decodes one record's payload into {@link #fields()}.
     *
     * @return null if the payload is one well-formed JSON object, else one sentence saying why it is not
     */
    public String decode(byte[] data) {
        fields.clear();
        try (JsonParser parser = FACTORY.createParser(data)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return "not valid JSON: the record is empty";
            }
            if (token != JsonToken.START_OBJECT) {
                return "not a JSON object: found " + kindOf(parser, token).description();
            }
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                int slot = slotOf(parser.currentName());
                token = parser.nextToken();
                if (slot < 0) {
                    parser.skipChildren();
                } else {
                    store(parser, token, slot);
                }
            }
            if (parser.nextToken() != null) {
                return "not valid JSON: unexpected content after the object";
            }
            return null;
        } catch (JsonProcessingException e) {
            return "not valid JSON: " + oneLine(e.getOriginalMessage());
        } catch (IOException e) {
            return "not valid JSON: " + oneLine(e.getMessage());
        }
    }

    private int slotOf(String name) {
        for (int i = 0; i < fieldNames.length; i++) {
            if (fieldNames[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private void store(JsonParser parser, JsonToken token, int slot) throws IOException {
        FieldKind kind = kindOf(parser, token);
        switch (kind) {
            case STRING -> fields.set(slot, kind, 0, parser.getText());
            case INTEGER -> fields.set(slot, kind, parser.getLongValue(), null);
            case INTEGER_TOO_LARGE -> fields.set(slot, kind, 0, parser.getText());
            case OBJECT, ARRAY -> {
                parser.skipChildren();
                fields.set(slot, kind, 0, null);
            }
            default -> fields.set(slot, kind, 0, null);
        }
    }

    private static FieldKind kindOf(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> FieldKind.OBJECT;
            case START_ARRAY -> FieldKind.ARRAY;
            case VALUE_STRING -> FieldKind.STRING;
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? FieldKind.INTEGER_TOO_LARGE : FieldKind.INTEGER;
            case VALUE_NUMBER_FLOAT -> FieldKind.DECIMAL;
            case VALUE_TRUE, VALUE_FALSE -> FieldKind.BOOLEAN;
            case VALUE_NULL -> FieldKind.NULL;
            // The parser's grammar puts only value tokens here; anything else is reported as unreadable JSON.
            default -> throw new IOException("unexpected token " + token);
        };
    }

    private static String oneLine(String message) {
        return message == null ? "unreadable input" : message.replaceAll("\\s+", " ").trim();
    }
}
