package io.rtpipe.deploytest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The synthesized CloudFormation templates of every stack, by stack name, and look-ups across them. */
final class Templates {

    /** One resource of one stack's template. */
    record Resource(String stack, String logicalId, String type, JsonNode properties) {

        /** A property, or a missing node. */
        JsonNode property(String name) {
            return properties.path(name);
        }

        @Override
        public String toString() {
            return type + " " + stack + "/" + logicalId;
        }
    }

    /** An output exported under {@code name} for Fn::ImportValue: its value, to resolve in its own stack. */
    record Export(String name, String stack, JsonNode value) {}

    private final Map<String, JsonNode> byStack;

    Templates(Map<String, JsonNode> byStack) {
        this.byStack = Map.copyOf(byStack);
    }

    /** Every resource of {@code type} in every stack. */
    List<Resource> resources(String type) {
        List<Resource> found = new ArrayList<>();
        byStack.forEach((stack, template) -> template.path("Resources").fields().forEachRemaining(entry -> {
            if (entry.getValue().path("Type").asText().equals(type)) {
                found.add(resource(stack, entry.getKey(), entry.getValue()));
            }
        }));
        return found;
    }

    /** The one resource of {@code type}; fails naming what was found otherwise. */
    Resource only(String type) {
        List<Resource> all = resources(type);
        if (all.size() != 1) {
            throw new AssertionError("expected the templates to declare exactly one " + type + ", found " + all);
        }
        return all.get(0);
    }

    Resource resource(String stack, String logicalId) {
        JsonNode node = byStack.getOrDefault(stack, MissingNode.getInstance()).path("Resources").path(logicalId);
        if (node.isMissingNode()) {
            throw new AssertionError("stack " + stack + " declares no resource " + logicalId);
        }
        return resource(stack, logicalId, node);
    }

    Optional<Export> export(String name) {
        for (Map.Entry<String, JsonNode> stack : byStack.entrySet()) {
            var outputs = stack.getValue().path("Outputs").fields();
            while (outputs.hasNext()) {
                JsonNode output = outputs.next().getValue();
                if (output.path("Export").path("Name").asText().equals(name)) {
                    return Optional.of(new Export(name, stack.getKey(), output.path("Value")));
                }
            }
        }
        return Optional.empty();
    }

    private static Resource resource(String stack, String logicalId, JsonNode node) {
        return new Resource(stack, logicalId, node.path("Type").asText(), node.path("Properties"));
    }
}
