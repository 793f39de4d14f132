package io.rtpipe.core.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** Reads one YAML document into {@link YamlNode}s with line numbers, rejecting duplicate keys. */
final class YamlTreeReader {
    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    private final String file;

    YamlTreeReader(String file) {
        this.file = file;
    }

    /** @return the document's root, or null for an empty document */
    YamlNode read(String text) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return null;
            }
            YamlNode root = node(parser, token, "");
            if (parser.nextToken() != null) {
                throw new SpecException(file, line(parser), "", "a second YAML document",
                        "a single document with a top-level mapping");
            }
            return root;
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            throw new SpecException(file, line, "", "invalid YAML (" + oneLine(e.getOriginalMessage()) + ")",
                    "well-formed YAML");
        } catch (IOException e) {
            throw new SpecException(file, 1, "", "unreadable text (" + oneLine(e.getMessage()) + ")",
                    "well-formed YAML");
        }
    }

    private YamlNode node(JsonParser parser, JsonToken token, String path) throws IOException {
        int line = line(parser);
        switch (token) {
            case START_OBJECT -> {
                LinkedHashMap<YamlNode.Key, YamlNode> entries = new LinkedHashMap<>();
                while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    YamlNode.Key key = new YamlNode.Key(parser.currentName(), line(parser));
                    String childPath = SpecLoader.child(path, key.name());
                    for (YamlNode.Key existing : entries.keySet()) {
                        if (existing.name().equals(key.name())) {
                            throw new SpecException(file, key.line(), childPath,
                                    "the key a second time (first on line " + existing.line() + ")",
                                    "each key once per mapping");
                        }
                    }
                    entries.put(key, node(parser, parser.nextToken(), childPath));
                }
                return new YamlNode.Mapping(line, entries);
            }
            case START_ARRAY -> {
                List<YamlNode> items = new ArrayList<>();
                while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(node(parser, token, path + "[" + items.size() + "]"));
                }
                return new YamlNode.Sequence(line, items);
            }
            case VALUE_STRING -> {
                return new YamlNode.Scalar(line, parser.getText(), parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                Object value = parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? (Object) parser.getDoubleValue() : (Object) parser.getLongValue();
                return new YamlNode.Scalar(line, value, parser.getText());
            }
            case VALUE_NUMBER_FLOAT -> {
                return new YamlNode.Scalar(line, parser.getDoubleValue(), parser.getText());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new YamlNode.Scalar(line, token == JsonToken.VALUE_TRUE, parser.getText());
            }
            case VALUE_NULL -> {
                return new YamlNode.Scalar(line, null, "");
            }
            default -> throw new SpecException(file, line, path, "unsupported YAML (" + token + ")",
                    "mappings, lists and plain values");
        }
    }

    private static int line(JsonParser parser) {
        return Math.max(1, parser.currentTokenLocation().getLineNr());
    }

    /** SnakeYAML's messages span lines and repeat positions with a caret; the line is already in front. */
    private static String oneLine(String message) {
        if (message == null) {
            return "no details";
        }
        return message.replaceAll("in '[^']*', line \\d+, column \\d+:\\s*(\\S.*?)?\\s*\\^", "")
                .replaceAll("\\s+", " ").trim();
    }
}
