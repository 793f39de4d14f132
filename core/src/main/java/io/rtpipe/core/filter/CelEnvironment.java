package io.rtpipe.core.filter;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The one CEL environment filters ({@link EventFilter}) and derived fields ({@link EventExpression}) compile in:
 * CEL's standard functions and macros, its strings extension ({@code lowerAscii}, {@code upperAscii},
 * {@code substring}, {@code trim}, {@code replace}, {@code split}, {@code indexOf}, ...) and math extension
 * ({@code math.abs}, {@code math.floor}, {@code math.ceil}, ...), and three functions of rtpipe's for what those lack
 * and KDA SQL's log parsing needs (docs/metrics.md#derived-fields):
 * <ul>
 *   <li>{@code regexGroup(text, pattern, n)}: group {@code n} of the Java pattern matching the whole text, or null
 *       if it does not match or the group took no part (KDA's REGEX_LOG_PARSE);</li>
 *   <li>{@code splitField(text, delimiter, n)}: the {@code n}-th (from 1) piece of the text cut at every occurrence
 *       of the literal delimiter, or null if there are fewer pieces (VARIABLE_COLUMN_LOG_PARSE);</li>
 *   <li>{@code slice(text, start, length)}: up to {@code length} characters from the 0-based {@code start}, cut at the
 *       text's end instead of failing as {@code substring} does (SQL's SUBSTRING, FIXED_COLUMN_LOG_PARSE).</li>
 * </ul>
 */
final class CelEnvironment {
    static final String REGEX_GROUP = "regexGroup";
    static final String SPLIT_FIELD = "splitField";
    static final String SLICE = "slice";

    /** Compiled patterns by source; patterns come from specs, so this stays small, but it is capped all the same. */
    private static final int MAX_CACHED_PATTERNS = 256;
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(EventFilter.MAX_ITERATIONS)
            .build();
    private static final Cel BASE = CelFactory.standardCelBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addCompilerLibraries(CelExtensions.strings(), CelExtensions.math(OPTIONS))
            .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.math(OPTIONS))
            .addFunctionDeclarations(
                    CelFunctionDecl.newFunctionDeclaration(REGEX_GROUP, CelOverloadDecl.newGlobalOverload(
                            "regex_group_string_string_int", SimpleType.DYN, SimpleType.STRING, SimpleType.STRING,
                            SimpleType.INT)),
                    CelFunctionDecl.newFunctionDeclaration(SPLIT_FIELD, CelOverloadDecl.newGlobalOverload(
                            "split_field_string_string_int", SimpleType.DYN, SimpleType.STRING, SimpleType.STRING,
                            SimpleType.INT)),
                    CelFunctionDecl.newFunctionDeclaration(SLICE, CelOverloadDecl.newGlobalOverload(
                            "slice_string_int_int", SimpleType.STRING, SimpleType.STRING, SimpleType.INT,
                            SimpleType.INT)))
            .addFunctionBindings(
                    CelFunctionBinding.from("regex_group_string_string_int",
                            List.of(String.class, String.class, Long.class),
                            args -> regexGroup((String) args[0], (String) args[1], (Long) args[2])),
                    CelFunctionBinding.from("split_field_string_string_int",
                            List.of(String.class, String.class, Long.class),
                            args -> splitField((String) args[0], (String) args[1], (Long) args[2])),
                    CelFunctionBinding.from("slice_string_int_int", List.of(String.class, Long.class, Long.class),
                            args -> slice((String) args[0], (Long) args[1], (Long) args[2])))
            .build();

    /** An expression parsed and checked, with the top-level fields it reads. */
    record Compiled(CelAbstractSyntaxTree checked, Set<String> fields, boolean usesWholeEvent,
                    CelRuntime.Program program) {
    }

    private CelEnvironment() {
    }

    /**
     * Parses and type-checks {@code source}: every identifier it names (but {@link EventFilter#EVENT} and loop
     * variables) is a {@code dyn} variable, {@link EventFilter#EVENT} the whole event.
     *
     * @throws FilterException with CEL's first error and its column
     */
    static Compiled compile(String source, CelType resultType) {
        CelAbstractSyntaxTree parsed = valid(BASE.parse(source));
        Set<String> names = new TreeSet<>();
        Set<String> loopVariables = new TreeSet<>();
        CelNavigableAst.fromAst(parsed).getRoot().allNodes().map(CelNavigableExpr::expr).forEach(expr -> {
            if (expr.getKind() == CelExpr.ExprKind.Kind.IDENT) {
                names.add(expr.ident().name());
            } else if (expr.getKind() == CelExpr.ExprKind.Kind.COMPREHENSION) {
                loopVariables.add(expr.comprehension().iterVar());
                loopVariables.add(expr.comprehension().accuVar());
            }
        });
        names.removeAll(loopVariables);
        // "math" is the math extension's namespace, not a field (a field named math is read as event.math).
        names.remove("math");
        boolean usesWholeEvent = names.remove(EventFilter.EVENT);

        var builder = BASE.toCelBuilder()
                .addVar(EventFilter.EVENT, MapType.create(SimpleType.STRING, SimpleType.DYN))
                .setResultType(resultType);
        names.forEach(name -> builder.addVar(name, SimpleType.DYN));
        Cel cel = builder.build();
        CelAbstractSyntaxTree checked = valid(cel.check(parsed));
        checkPatterns(checked);
        try {
            return new Compiled(checked, Collections.unmodifiableSet(names), usesWholeEvent,
                    cel.createProgram(checked));
        } catch (CelEvaluationException e) {
            throw new FilterException(oneLine(e.getMessage()));
        }
    }

    /** A pattern written as a literal is compiled now, so that a mistake in it is the spec's error, not each event's. */
    private static void checkPatterns(CelAbstractSyntaxTree checked) {
        CelNavigableAst.fromAst(checked).getRoot().allNodes().map(CelNavigableExpr::expr)
                .filter(e -> e.getKind() == CelExpr.ExprKind.Kind.CALL && e.call().function().equals(REGEX_GROUP))
                .map(e -> e.call().args().get(1))
                .filter(p -> p.getKind() == CelExpr.ExprKind.Kind.CONSTANT)
                .forEach(p -> {
                    try {
                        Pattern.compile(p.constant().stringValue());
                    } catch (PatternSyntaxException e) {
                        throw new FilterException(REGEX_GROUP + ": the pattern \"" + p.constant().stringValue()
                                + "\" is not a Java regular expression (" + oneLine(e.getDescription()) + ")");
                    }
                });
    }

    private static Object regexGroup(String text, String pattern, long group) throws CelEvaluationException {
        Pattern compiled = PATTERNS.get(pattern);
        if (compiled == null) {
            try {
                compiled = Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new CelEvaluationException(REGEX_GROUP + ": \"" + pattern
                        + "\" is not a Java regular expression");
            }
            if (PATTERNS.size() < MAX_CACHED_PATTERNS) {
                PATTERNS.put(pattern, compiled);
            }
        }
        Matcher matcher = compiled.matcher(text);
        if (group < 0 || group > matcher.groupCount()) {
            throw new CelEvaluationException(REGEX_GROUP + ": the pattern has " + matcher.groupCount()
                    + " groups, not " + group);
        }
        if (!matcher.matches()) {
            return NullValue.NULL_VALUE;
        }
        String value = matcher.group((int) group);
        return value == null ? NullValue.NULL_VALUE : value;
    }

    private static Object splitField(String text, String delimiter, long n) throws CelEvaluationException {
        if (delimiter.isEmpty() || n < 1) {
            throw new CelEvaluationException(SPLIT_FIELD + ": needs a non-empty delimiter and a field number from 1");
        }
        int start = 0;
        for (long field = 1; field < n; field++) {
            int at = text.indexOf(delimiter, start);
            if (at < 0) {
                return NullValue.NULL_VALUE;
            }
            start = at + delimiter.length();
        }
        int end = text.indexOf(delimiter, start);
        return text.substring(start, end < 0 ? text.length() : end);
    }

    private static String slice(String text, long start, long length) throws CelEvaluationException {
        if (start < 0 || length < 0) {
            throw new CelEvaluationException(SLICE + ": start and length cannot be negative, got " + start + " and "
                    + length);
        }
        // Code points, as CEL's substring and size count them.
        int points = text.codePointCount(0, text.length());
        int from = (int) Math.min(start, points);
        int to = (int) Math.min(points, from + Math.min(length, points));
        return text.substring(text.offsetByCodePoints(0, from), text.offsetByCodePoints(0, to));
    }

    static CelAbstractSyntaxTree valid(CelValidationResult result) {
        if (result.hasError()) {
            CelIssue issue = result.getErrors().get(0);
            throw new FilterException("column " + (issue.getSourceLocation().getColumn() + 1) + ": "
                    + oneLine(issue.getMessage()));
        }
        try {
            return result.getAst();
        } catch (CelValidationException e) {
            throw new FilterException(oneLine(e.getMessage()));
        }
    }

    static String oneLine(String message) {
        return message == null ? "invalid expression" : message.replaceAll("\\s+", " ").trim();
    }
}
