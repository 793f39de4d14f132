package io.rtpipe.producer.partition;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.Objects;

/**
 * Reads one top-level field of a JSON object with Jackson's streaming parser: it stops at the field and skips nested
 * values without building them, so the cost is a scan of the bytes before the field.
 */
final class JsonFieldPartitionKey implements PartitionKeySelector {

    private static final JsonFactory JSON = new JsonFactory();

    private final String fieldName;

    JsonFieldPartitionKey(String fieldName) {
        this.fieldName = Objects.requireNonNull(fieldName, "fieldName");
        if (fieldName.isEmpty()) {
            throw new IllegalArgumentException("the partition key field name must not be empty");
        }
    }

    @Override
    public String partitionKey(byte[] data) {
        try (JsonParser parser = JSON.createParser(data)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                boolean wanted = fieldName.equals(parser.currentName());
                JsonToken value = parser.nextToken();
                if (wanted) {
                    return keyOf(parser, value);
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException malformed) {
            return null;
        }
    }

    private static String keyOf(JsonParser parser, JsonToken value) throws IOException {
        if (value == null || !value.isScalarValue() || value == JsonToken.VALUE_NULL) {
            return null;
        }
        String text = parser.getText();
        return PartitionKeySelector.isValid(text) ? text : null;
    }

    @Override
    public String toString() {
        return "jsonField(" + fieldName + ")";
    }
}
