package io.rtpipe.deploytest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a template value to the string CloudFormation would substitute at deploy time, against resources
 * deployed on the emulators: {@code Ref} (resources and pseudo parameters), {@code Fn::GetAtt}, {@code
 * Fn::ImportValue} (another stack's export, resolved in that stack), {@code Fn::Join} and {@code Fn::Sub} (its string
 * form, as CDK names the bootstrap assets bucket: {@code ${AWS::AccountId}}-style references). Any other function fails
 * the test naming where it occurs, so a template that starts using one cannot pass unresolved.
 */
final class Intrinsics {

    /** What the deployment knows about its resources. */
    interface Physical {
        /** What {@code Ref} of the resource returns (its name for streams, tables and buckets). */
        String ref(Templates.Resource resource);

        /** What {@code Fn::GetAtt} of the attribute returns. */
        String attribute(Templates.Resource resource, String attribute);
    }

    static final String ACCOUNT = "000000000000";

    /** A {@code ${Name}} or {@code ${Resource.Attribute}} inside an Fn::Sub string ({@code ${!x}} is a literal). */
    private static final Pattern SUB_REFERENCE = Pattern.compile("\\$\\{(!?)([^}]*)}");

    private final Templates templates;
    private final Physical physical;
    private final String region;

    Intrinsics(Templates templates, Physical physical, String region) {
        this.templates = templates;
        this.physical = physical;
        this.region = region;
    }

    /** {@code value} resolved in {@code stack}; {@code where} names it in failure messages. */
    String resolve(String stack, JsonNode value, String where) {
        if (value.isValueNode()) {
            return value.asText();
        }
        if (!value.isObject() || value.size() != 1) {
            throw new AssertionError(where + ": cannot resolve " + value + " to a string");
        }
        String function = value.fieldNames().next();
        JsonNode argument = value.get(function);
        return switch (function) {
            case "Ref" -> ref(stack, argument.asText(), where);
            case "Fn::GetAtt" -> physical.attribute(
                    templates.resource(stack, argument.get(0).asText()), argument.get(1).asText());
            case "Fn::ImportValue" -> {
                String name = resolve(stack, argument, where);
                Templates.Export export = templates.export(name).orElseThrow(() -> new AssertionError(
                        where + ": imports '" + name + "', which no stack of the app exports"));
                yield resolve(export.stack(), export.value(), where + " (export " + name + ")");
            }
            case "Fn::Join" -> {
                List<String> parts = new ArrayList<>();
                argument.get(1).forEach(part -> parts.add(resolve(stack, part, where)));
                yield String.join(argument.get(0).asText(), parts);
            }
            case "Fn::Sub" -> {
                if (!argument.isTextual()) {
                    throw new AssertionError(where + ": only the string form of Fn::Sub is resolved by this test, "
                            + "got " + value);
                }
                Matcher reference = SUB_REFERENCE.matcher(argument.asText());
                StringBuilder out = new StringBuilder();
                while (reference.find()) {
                    String name = reference.group(2);
                    int dot = name.indexOf('.');
                    String resolved = !reference.group(1).isEmpty() ? "${" + name + "}"
                            : dot < 0 ? ref(stack, name, where)
                            : physical.attribute(templates.resource(stack, name.substring(0, dot)),
                                    name.substring(dot + 1));
                    reference.appendReplacement(out, Matcher.quoteReplacement(resolved));
                }
                reference.appendTail(out);
                yield out.toString();
            }
            default -> throw new AssertionError(where + ": " + function + " is not resolved by this test; "
                    + "add it to " + Intrinsics.class.getSimpleName());
        };
    }

    private String ref(String stack, String name, String where) {
        return switch (name) {
            case "AWS::Region" -> region;
            case "AWS::AccountId" -> ACCOUNT;
            case "AWS::Partition" -> "aws";
            case "AWS::URLSuffix" -> "amazonaws.com";
            case "AWS::StackName" -> stack;
            default -> {
                if (name.startsWith("AWS::")) {
                    throw new AssertionError(where + ": pseudo parameter " + name + " is not resolved by this test");
                }
                yield physical.ref(templates.resource(stack, name));
            }
        };
    }
}
