package io.rtpipe.core.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.rtpipe.core.filter.EventFilter;
import io.rtpipe.core.metric.FieldPath;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes one JSON object per record with Jackson's streaming parser, walking a tree of the selected paths: fields
 * nobody asked for are skipped without being materialized, which keeps decoding cheap on the hot path. Top-level
 * fields a CEL filter reads whole (and the whole event, if asked for) are materialized as CEL-ready objects.
 * <p>
 * If a field occurs more than once in an object, the last occurrence wins (as with Jackson's tree model).
 */
public final class JsonEventDecoder implements EventDecoder {
    /**
     * The fast double parser is exact (correctly rounded) and several times quicker than Double.parseDouble.
     * Field names are interned (Jackson's default, stated because {@link Node#child} relies on it).
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(JsonFactory.Feature.INTERN_FIELD_NAMES).build();

    private final Node root;
    private final boolean wholeEvent;

    /** One level of the selected paths: a field name, its slot if selected, and its selected children. */
    private static final class Node {
        final String name;
        int slot = -1;
        int wholeValue = -1;
        Node[] children = new Node[0];
        /** This node's slot and all slots below it (cleared when the field occurs again). */
        int[] slotsBelow = new int[0];

        Node(String name) {
            this.name = name.intern();
        }

        /** {@code childName} must be interned (the parser's field names are): identity then decides. */
        Node child(String childName) {
            for (Node child : children) {
                if (child.name == childName) {
                    return child;
                }
            }
            return null;
        }

        Node childOrNew(String childName) {
            Node child = child(childName.intern());
            if (child == null) {
                child = new Node(childName);
                children = java.util.Arrays.copyOf(children, children.length + 1);
                children[children.length - 1] = child;
            }
            return child;
        }

        int[] collectSlots() {
            List<Integer> slots = new ArrayList<>();
            if (slot >= 0) {
                slots.add(slot);
            }
            for (Node child : children) {
                for (int s : child.collectSlots()) {
                    slots.add(s);
                }
            }
            slotsBelow = slots.stream().mapToInt(Integer::intValue).toArray();
            return slotsBelow;
        }
    }

    public JsonEventDecoder(FieldSelection selection) {
        root = new Node("");
        for (int slot = 0; slot < selection.paths().size(); slot++) {
            Node node = root;
            for (String segment : selection.paths().get(slot).segments()) {
                node = node.childOrNew(segment);
            }
            node.slot = slot;
        }
        for (int i = 0; i < selection.wholeValues().size(); i++) {
            root.childOrNew(selection.wholeValues().get(i)).wholeValue = i;
        }
        root.collectSlots();
        wholeEvent = selection.wholeEvent();
    }

    @Override
    public String decode(byte[] data, EventFields into) {
        into.clear();
        try (JsonParser parser = FACTORY.createParser(data)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return "not valid JSON: the record is empty";
            }
            if (token != JsonToken.START_OBJECT) {
                return "not a JSON object: found " + kindOf(parser, token).description();
            }
            Map<String, Object> event = wholeEvent ? new LinkedHashMap<>() : null;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                Node node = root.child(name);
                token = parser.nextToken();
                if (event != null || (node != null && node.wholeValue >= 0)) {
                    Object value = readValue(parser, token);
                    if (event != null) {
                        event.put(name, value);
                    }
                    if (node != null) {
                        if (node.wholeValue >= 0) {
                            into.setWholeValue(node.wholeValue, value);
                        }
                        clearBelow(node, into);
                        fill(node, value, into);
                    }
                } else if (node == null) {
                    parser.skipChildren();
                } else {
                    read(parser, token, node, into);
                }
            }
            if (parser.nextToken() != null) {
                return "not valid JSON: unexpected content after the object";
            }
            into.setWholeEvent(event);
            return null;
        } catch (JsonProcessingException e) {
            return "not valid JSON: " + oneLine(e.getOriginalMessage());
        } catch (IOException e) {
            return "not valid JSON: " + oneLine(e.getMessage());
        }
    }

    private static void clearBelow(Node node, EventFields into) {
        for (int slot : node.slotsBelow) {
            into.setKind(slot, FieldKind.MISSING);
        }
    }

    /** Reads the value of a selected field (the parser is at its first token). */
    private void read(JsonParser parser, JsonToken token, Node node, EventFields into) throws IOException {
        if (node.children.length > 0) {
            clearBelow(node, into);
        }
        int slot = node.slot;
        switch (token) {
            case VALUE_STRING -> {
                if (slot >= 0) {
                    into.setString(slot, parser.getText());
                }
            }
            case VALUE_NUMBER_INT -> {
                if (slot >= 0) {
                    if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        into.setBigInteger(slot, parser.getText());
                    } else {
                        into.setLong(slot, parser.getLongValue());
                    }
                }
            }
            case VALUE_NUMBER_FLOAT -> {
                if (slot >= 0) {
                    into.setDouble(slot, parser.getDoubleValue());
                }
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                if (slot >= 0) {
                    into.setBoolean(slot, token == JsonToken.VALUE_TRUE);
                }
            }
            case VALUE_NULL -> {
                if (slot >= 0) {
                    into.setKind(slot, FieldKind.NULL);
                }
            }
            case START_OBJECT -> {
                if (slot >= 0) {
                    into.setKind(slot, FieldKind.OBJECT);
                }
                if (node.children.length == 0) {
                    parser.skipChildren();
                    return;
                }
                while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    Node child = node.child(parser.currentName());
                    token = parser.nextToken();
                    if (child == null) {
                        parser.skipChildren();
                    } else {
                        read(parser, token, child, into);
                    }
                }
            }
            case START_ARRAY -> {
                if (slot >= 0) {
                    into.setKind(slot, FieldKind.ARRAY);
                }
                parser.skipChildren();
            }
            // The parser's grammar puts only value tokens here; anything else is reported as unreadable JSON.
            default -> throw new IOException("unexpected token " + token);
        }
    }

    /** Fills the slots of {@code node} and below from a materialized value. */
    private static void fill(Node node, Object value, EventFields into) {
        if (node.slot >= 0) {
            into.setFromValue(node.slot, value);
        }
        if (node.children.length > 0 && value instanceof Map<?, ?> map) {
            for (Node child : node.children) {
                Object childValue = map.get(child.name);
                if (childValue != null) {
                    fill(child, childValue, into);
                }
            }
        }
    }

    /** Materializes a value as CEL-ready objects: Long, Double, String, Boolean, List, Map, JSON null. */
    private static Object readValue(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? parser.getBigIntegerValue() : (Object) parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> EventFilter.JSON_NULL;
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                JsonToken next;
                while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    map.put(name, readValue(parser, parser.nextToken()));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(readValue(parser, next));
                }
                yield list;
            }
            default -> throw new IOException("unexpected token " + token);
        };
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
            default -> throw new IOException("unexpected token " + token);
        };
    }

    private static String oneLine(String message) {
        return message == null ? "unreadable input" : message.replaceAll("\\s+", " ").trim();
    }
}
