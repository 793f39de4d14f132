package io.rtpipe.producer.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a request body into events and checks that each is one JSON object, before anything is sent: JSON lines
 * (one object per line, blank lines ignored, numbered from 1 like an editor does) or a JSON array of objects
 * (elements numbered from 1). Uses Jackson's streaming parser only; each event is the exact bytes of its line or
 * element.
 */
final class JsonEvents {

    /** Why one line or element was refused; {@code number} is 1-based. */
    record Problem(int number, String reason) {
    }

    /**
     * The events in body order with the 1-based line or element number of each, or the problems (then there are no
     * events), or a problem with the whole body.
     */
    record Parsed(List<byte[]> events, List<Integer> numbers, List<Problem> problems, String bodyProblem) {
        boolean ok() {
            return problems.isEmpty() && bodyProblem == null;
        }
    }

    private static final JsonFactory JSON = new JsonFactory();

    private JsonEvents() {
    }

    static Parsed jsonLines(byte[] body, int maxEventBytes) {
        List<byte[]> events = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        int lineNumber = 0;
        int start = 0;
        while (start < body.length) {
            int end = start;
            while (end < body.length && body[end] != '\n') {
                end++;
            }
            lineNumber++;
            int stop = end > start && body[end - 1] == '\r' ? end - 1 : end;
            if (!isBlank(body, start, stop)) {
                String problem = stop - start > maxEventBytes
                        ? "the line has " + (stop - start) + " bytes, above the limit of " + maxEventBytes
                        : objectProblem(body, start, stop - start);
                if (problem == null) {
                    events.add(Arrays.copyOfRange(body, start, stop));
                    numbers.add(lineNumber);
                } else {
                    problems.add(new Problem(lineNumber, problem));
                }
            }
            start = end + 1;
        }
        return problems.isEmpty() ? new Parsed(events, numbers, List.of(), null)
                : new Parsed(List.of(), List.of(), problems, null);
    }

    static Parsed jsonArray(byte[] body, int maxEventBytes) {
        List<byte[]> events = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                return new Parsed(List.of(), List.of(), List.of(), "the body is not a JSON array");
            }
            int element = 0;
            JsonToken token;
            while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    return new Parsed(List.of(), List.of(), List.of(), "the JSON array is not closed");
                }
                element++;
                if (token != JsonToken.START_OBJECT) {
                    problems.add(new Problem(element, describe(token) + ", not a JSON object"));
                    p.skipChildren();
                    continue;
                }
                // The element's own bytes, not a re-serialization: 1e400 must stay 1e400 (not "Infinity"), and a
                // long decimal keep its digits, so the consumer reads exactly what the client sent.
                int start = (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                int end = (int) p.currentLocation().getByteOffset();
                if (end - start > maxEventBytes) {
                    problems.add(new Problem(element, "the object has " + (end - start) + " bytes, above the limit of "
                            + maxEventBytes));
                } else {
                    events.add(Arrays.copyOfRange(body, start, end));
                    numbers.add(element);
                }
            }
            if (p.nextToken() != null) {
                return new Parsed(List.of(), List.of(), List.of(), "there is more after the JSON array");
            }
        } catch (JsonProcessingException e) {
            return new Parsed(List.of(), List.of(), List.of(), "the body is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new IllegalStateException("Reading an in-memory body cannot fail.", e);
        }
        return problems.isEmpty() ? new Parsed(events, numbers, List.of(), null)
                : new Parsed(List.of(), List.of(), problems, null);
    }

    /** Null if {@code bytes[from, from+length)} holds exactly one JSON object, else why not. */
    private static String objectProblem(byte[] bytes, int from, int length) {
        try (JsonParser p = JSON.createParser(bytes, from, length)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                p.skipChildren();
                return describe(first) + ", not a JSON object";
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                return "there is more after the JSON object";
            }
            return null;
        } catch (JsonProcessingException e) {
            return "not valid JSON: " + e.getOriginalMessage() + " at column " + e.getLocation().getColumnNr();
        } catch (IOException e) {
            throw new IllegalStateException("Reading an in-memory line cannot fail.", e);
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> "a " + token;
        };
    }

    private static boolean isBlank(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t') {
                return false;
            }
        }
        return true;
    }
}
