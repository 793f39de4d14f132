package io.rtpipe.core.spec;

import io.rtpipe.core.aggregate.Aggregator;
import io.rtpipe.core.aggregate.AggregatorFactory;
import io.rtpipe.core.aggregate.AggregatorParams;
import io.rtpipe.core.aggregate.AggregatorRegistry;
import io.rtpipe.core.aggregate.FieldUse;
import io.rtpipe.core.aggregate.StateSize;
import io.rtpipe.core.budget.MemoryBudget;
import io.rtpipe.core.budget.StateEstimate;
import io.rtpipe.core.filter.EventExpression;
import io.rtpipe.core.filter.EventFilter;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.event.DecoderSpec;
import io.rtpipe.core.event.Framing;
import io.rtpipe.core.filter.FilterException;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.AlertSpec;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.metric.HoppingWindows;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.OutputSpec;
import io.rtpipe.core.metric.SessionWindows;
import io.rtpipe.core.metric.StaggerWindows;
import io.rtpipe.core.metric.TimestampSource;
import io.rtpipe.core.metric.TumblingWindows;
import io.rtpipe.core.metric.WindowSpec;
import io.rtpipe.core.reference.ReferenceSpec;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.regex.PatternSyntaxException;

/**
 * Loads metric specs from YAML (schema: docs/metrics.md) and validates them strictly: unknown keys, wrong types, bad
 * durations, unknown functions, missing or superfluous fields, bad parameters, duplicate names and filters that do
 * not compile are {@link SpecException}s naming the file, line, field, what was found and what is allowed.
 * Immutable and thread-safe.
 */
public final class SpecLoader {
    /** The longest window, gap or lateness accepted: state is kept that long. */
    public static final Duration MAX_DURATION = Duration.ofDays(366);

    private static final String NAME_RULE = "1-63 lower-case letters, digits or underscores starting with a letter";
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final String DURATION_RULE = "a duration such as 30s, 1m, 1h";
    private static final Set<String> TOP_KEYS = ordered("decoder", "memory_budget", "references", "metrics");
    private static final Set<String> REFERENCE_KEYS = ordered("name", "s3", "file", "dynamodb", "format", "key", "on",
            "reload");
    private static final String REFERENCE_RULE = "a mapping such as {name: products, s3: s3://bucket/products.csv, "
            + "format: csv, key: product_id, on: product.id, reload: 5m}";
    private static final Set<String> BUDGET_KEYS = ordered("per_shard", "events_per_second", "value_bytes");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})(B|KB|MB|GB|TB)");
    private static final String SIZE_RULE = "a size such as 512MB or 2GB (units B, KB, MB, GB, TB of 1,024)";
    private static final String DECODER_RULE = "json, {type: csv, header: [COLUMN, ...], delimiter: \",\"}, "
            + "{type: regex, pattern: \"(?<ts>\\d+) (?<type>\\w+)\"}, {type: avro, framing: glue} or "
            + "{type: protobuf, descriptor: events.desc, message: shop.Order}";
    private static final String DECODER_TYPES = "one of json, csv, regex, avro, protobuf";
    private static final String FRAMING_RULE = "one of plain, confluent, glue";
    private static final Set<String> METRIC_KEYS = ordered("name", "derive", "filter", "group_by", "timestamp",
            "window", "allowed_lateness", "dedup", "max_keys_per_window", "aggregates", "outputs", "alert");
    private static final Set<String> ALERT_KEYS = ordered("when", "throttle");
    private static final String OUTPUT_RULE = "a mapping of one output kind to its target, such as "
            + "{kinesis: STREAM}, {firehose: NAME}, {lambda: FUNCTION}, {sns: TOPIC_ARN} or {eventbridge: BUS}";
    private static final String ALERT_RULE = "a mapping such as {when: \"count > 1000\", throttle: 5m}";
    private static final Set<String> DEDUP_KEYS = ordered("field");
    private static final Set<String> AGGREGATE_KEYS = ordered("name", "fn", "field");
    private static final String ARRIVAL = "arrival";
    private static final Pattern S3_OBJECT = Pattern.compile("s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(.+)");
    private static final Pattern DYNAMODB_TABLE = Pattern.compile("[A-Za-z0-9_.-]{3,255}");
    private static final Duration MIN_RELOAD = Duration.ofSeconds(1);

    private final AggregatorRegistry registry;

    /** @param registry the aggregate functions specs may use */
    public SpecLoader(AggregatorRegistry registry) {
        this.registry = registry;
    }

    /** A loader that knows the built-in functions and those found by {@link java.util.ServiceLoader}. */
    public static SpecLoader standard() {
        return new SpecLoader(AggregatorRegistry.withServiceLoader(SpecLoader.class.getClassLoader()));
    }

    /**
     * Loads the spec file {@code file} into an engine configuration; errors name the file as given.
     *
     * @throws SpecException for any mistake (one located sentence; the cli exits with status 2)
     */
    public EngineConfig load(Path file) {
        String text;
        Path directory = file.toAbsolutePath().getParent();
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SpecException(file.toString(), 1, "", "a file that cannot be read (" + e + ")",
                    "a readable UTF-8 YAML file");
        }
        return new Run(file.toString(), directory).document(new YamlTreeReader(file.toString()).read(text));
    }

    /**
     * Parses spec text into an engine configuration; {@code fileName} is used in error messages. Files the spec
     * names (an Avro schema, a Protobuf descriptor set) are read relative to the working directory.
     */
    public EngineConfig parse(String fileName, String yaml) {
        return new Run(fileName, Path.of("")).document(new YamlTreeReader(fileName).read(yaml));
    }

    /** The duration a spec writes such as 30s, 1m, 1h (units ms, s, m, h, d), or null if {@code text} is not one. */
    public static Duration parseDuration(String text) {
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.matches()) {
            return null;
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** What a spec's duration must be instead of {@code duration} (e.g. "a duration from 1ms to 366d"), or null if in range. */
    public static String durationRange(Duration duration, boolean zeroAllowed) {
        if ((duration.isZero() && !zeroAllowed) || duration.isNegative() || duration.compareTo(MAX_DURATION) > 0) {
            return (zeroAllowed ? "a duration from 0s" : "a duration from 1ms") + " to " + MAX_DURATION.toDays() + "d";
        }
        return null;
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static Set<String> ordered(String... keys) {
        return new LinkedHashSet<>(List.of(keys));
    }

    /** One load: knows the file name for errors. */
    private final class Run {
        private final String file;
        /** What relative file names in the spec are relative to: the spec file's directory. */
        private final Path directory;

        Run(String file, Path directory) {
            this.file = file;
            this.directory = directory;
        }

        private SpecException error(YamlNode at, String path, String expected) {
            return new SpecException(file, at.line(), path, at.describe(), expected);
        }

        private SpecException missing(YamlNode.Mapping in, String path, String expected) {
            return new SpecException(file, in.line(), path, "nothing", expected);
        }

        EngineConfig document(YamlNode root) {
            if (root == null) {
                throw new SpecException(file, 1, "", "an empty file", "a mapping with a list under \"metrics\"");
            }
            YamlNode.Mapping top = mapping(root, "", "a mapping with a list under \"metrics\"");
            checkKeys(top, "", TOP_KEYS);
            YamlNode metricsNode = top.get("metrics");
            if (metricsNode == null) {
                throw missing(top, "metrics", "a list of metrics");
            }
            YamlNode.Sequence list = sequence(metricsNode, "metrics", "a list of metrics");
            if (list.items().isEmpty()) {
                throw error(list, "metrics", "at least one metric");
            }
            List<MetricSpec> metrics = new ArrayList<>();
            Map<String, Integer> nameLines = new HashMap<>();
            for (int i = 0; i < list.items().size(); i++) {
                metrics.add(metric(list.items().get(i), "metrics[" + i + "]", nameLines));
            }
            MemoryBudget budget = memoryBudget(top.get("memory_budget"));
            checkBudget(list, metrics, budget);
            EngineConfig.Builder config = EngineConfig.builder().metrics(metrics).decoder(decoder(top.get("decoder")))
                    .memoryBudget(budget);
            List<ReferenceSpec> references = references(top.get("references"));
            references.forEach(config::reference);
            checkReferencePaths(list, metrics, references);
            return config.build();
        }

        private List<ReferenceSpec> references(YamlNode node) {
            if (node == null) {
                return List.of();
            }
            YamlNode.Sequence list = sequence(node, "references", "a list of reference tables, each " + REFERENCE_RULE);
            List<ReferenceSpec> references = new ArrayList<>();
            Map<String, Integer> nameLines = new HashMap<>();
            for (int i = 0; i < list.items().size(); i++) {
                references.add(reference(list.items().get(i), "references[" + i + "]", nameLines));
            }
            for (int i = 0; i < references.size(); i++) {
                FieldPath on = references.get(i).on();
                if (nameLines.containsKey(on.root())) {
                    YamlNode onNode = ((YamlNode.Mapping) list.items().get(i)).get("on");
                    throw new SpecException(file, onNode.line(), "references[" + i + "].on", "\"" + on
                            + "\", a column of reference " + on.root(), "an event field (one reference cannot "
                            + "look up another)");
                }
            }
            return references;
        }

        private ReferenceSpec reference(YamlNode node, String path, Map<String, Integer> nameLines) {
            YamlNode.Mapping r = mapping(node, path, REFERENCE_RULE);
            checkKeys(r, path, REFERENCE_KEYS);
            String name = name(r, path, "a reference name of " + NAME_RULE, nameLines, "a reference");
            List<String> given = Stream.of("s3", "file", "dynamodb").filter(key -> r.get(key) != null).toList();
            if (given.size() != 1) {
                throw given.isEmpty() ? missing(r, child(path, "s3"), "one source: s3: s3://BUCKET/KEY, "
                        + "file: PATH or dynamodb: TABLE")
                        : error(r.get(given.get(1)), child(path, given.get(1)), "one source only, not both "
                        + given.get(0) + " and " + given.get(1));
            }
            String sourceKey = given.get(0);
            YamlNode sourceNode = r.get(sourceKey);
            String location = string(sourceNode, child(path, sourceKey), switch (sourceKey) {
                case "s3" -> "an object such as s3://bucket/products.csv";
                case "file" -> "a file path such as products.csv";
                default -> "a DynamoDB table name";
            });
            ReferenceSpec.Source source = switch (sourceKey) {
                case "s3" -> {
                    Matcher object = S3_OBJECT.matcher(location);
                    if (!object.matches()) {
                        throw error(sourceNode, child(path, "s3"), "an object such as s3://bucket/products.csv");
                    }
                    yield new ReferenceSpec.S3Object(object.group(1), object.group(2));
                }
                case "file" -> new ReferenceSpec.LocalFile(location);
                default -> {
                    if (!DYNAMODB_TABLE.matcher(location).matches()) {
                        throw error(sourceNode, child(path, "dynamodb"), "a DynamoDB table name of 3-255 letters, "
                                + "digits, '_', '-' or '.'");
                    }
                    yield new ReferenceSpec.DynamoDbTable(location);
                }
            };
            ReferenceSpec.Format format = null;
            YamlNode formatNode = r.get("format");
            String formats = "one of csv, jsonl, parquet";
            if (source instanceof ReferenceSpec.DynamoDbTable) {
                if (formatNode != null) {
                    throw error(formatNode, child(path, "format"), "no format for a DynamoDB table (its items are "
                            + "the rows)");
                }
            } else {
                if (formatNode == null) {
                    throw missing(r, child(path, "format"), formats);
                }
                String text = string(formatNode, child(path, "format"), formats);
                format = Arrays.stream(ReferenceSpec.Format.values()).filter(f -> f.specName().equals(text))
                        .findFirst().orElseThrow(() -> error(formatNode, child(path, "format"), formats));
            }
            YamlNode keyNode = r.get("key");
            String keyRule = "the name of the column that identifies a row, such as product_id";
            if (keyNode == null) {
                throw missing(r, child(path, "key"), keyRule);
            }
            String key = string(keyNode, child(path, "key"), keyRule);
            if (!FieldPath.isValid(key) || key.contains(".")) {
                throw error(keyNode, child(path, "key"), keyRule);
            }
            YamlNode onNode = r.get("on");
            if (onNode == null) {
                throw missing(r, child(path, "on"), "the event field to look up, such as product.id");
            }
            FieldPath on = fieldPath(onNode, child(path, "on"));
            Duration reload = optionalDuration(r, path, "reload", ReferenceSpec.DEFAULT_RELOAD, false);
            if (reload.compareTo(MIN_RELOAD) < 0) {
                throw error(r.get("reload"), child(path, "reload"), "a duration of at least 1s");
            }
            return new ReferenceSpec(name, source, format, key, on, reload);
        }

        /** A path under a reference's name must be one of its columns. */
        private void checkReferencePaths(YamlNode.Sequence list, List<MetricSpec> metrics,
                                         List<ReferenceSpec> references) {
            Set<String> names = references.stream().map(ReferenceSpec::name).collect(Collectors.toSet());
            for (int i = 0; i < metrics.size(); i++) {
                MetricSpec metric = metrics.get(i);
                List<FieldPath> paths = new ArrayList<>(metric.groupBy());
                if (metric.dedupField() != null) {
                    paths.add(metric.dedupField());
                }
                if (metric.timestamp() instanceof TimestampSource.EventTimeField time) {
                    paths.add(time.field());
                }
                for (AggregateSpec aggregate : metric.aggregates()) {
                    if (aggregate.field() != null) {
                        paths.add(aggregate.field());
                    }
                    paths.addAll(aggregate.fields());
                }
                for (FieldPath path : paths) {
                    if (names.contains(path.root()) && path.segments().size() != 2) {
                        throw new SpecException(file, list.items().get(i).line(), "metrics[" + i + "] ("
                                + metric.name() + ")", "the field \"" + path + "\"", "a column of reference "
                                + path.root() + " as " + path.root() + ".COLUMN");
                    }
                }
            }
        }

        private MemoryBudget memoryBudget(YamlNode node) {
            if (node == null) {
                return MemoryBudget.DEFAULT;
            }
            YamlNode.Mapping b = mapping(node, "memory_budget",
                    "a mapping such as {per_shard: 512MB, events_per_second: 1000, value_bytes: 64}");
            checkKeys(b, "memory_budget", BUDGET_KEYS);
            long perShard = MemoryBudget.DEFAULT_PER_SHARD_BYTES;
            YamlNode sizeNode = b.get("per_shard");
            if (sizeNode != null) {
                Matcher matcher = sizeNode instanceof YamlNode.Scalar s && s.value() instanceof String text
                        ? SIZE.matcher(text) : null;
                if (matcher == null || !matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
                    throw error(sizeNode, "memory_budget.per_shard", SIZE_RULE);
                }
                int shift = List.of("B", "KB", "MB", "GB", "TB").indexOf(matcher.group(2)) * 10;
                perShard = Long.parseLong(matcher.group(1)) << shift;
            }
            long rate = wholeNumber(b.get("events_per_second"), "memory_budget.events_per_second",
                    MemoryBudget.MAX_EVENTS_PER_SECOND, MemoryBudget.DEFAULT_EVENTS_PER_SECOND);
            long valueBytes = wholeNumber(b.get("value_bytes"), "memory_budget.value_bytes",
                    MemoryBudget.MAX_VALUE_BYTES, MemoryBudget.DEFAULT_VALUE_BYTES);
            return new MemoryBudget(perShard, rate, (int) valueBytes);
        }

        private long wholeNumber(YamlNode node, String path, long max, long defaultValue) {
            if (node == null) {
                return defaultValue;
            }
            if (node instanceof YamlNode.Scalar s && s.value() instanceof Long n && n >= 1 && n <= max) {
                return n;
            }
            throw error(node, path, String.format(Locale.ROOT, "a whole number from 1 to %,d", max));
        }

        /** Refuses the first metric whose worst-case state is over the budget, then all metrics together. */
        private void checkBudget(YamlNode.Sequence list, List<MetricSpec> metrics, MemoryBudget budget) {
            String limit = "at most the " + MemoryBudget.format(budget.perShardBytes()) + " memory_budget.per_shard"
                    + " (assuming " + budget.assumptions() + ": ";
            long total = 0;
            StateEstimate largest = null;
            int largestIndex = 0;
            for (int i = 0; i < metrics.size(); i++) {
                StateEstimate estimate = StateEstimate.of(metrics.get(i), budget);
                if (estimate.bytes() > budget.perShardBytes()) {
                    throw new SpecException(file, list.items().get(i).line(),
                            "metrics[" + i + "] (" + estimate.metric() + ")",
                            "a worst-case window state of " + MemoryBudget.format(estimate.bytes())
                                    + " per shard (" + estimate.factors() + ")",
                            limit + estimate.remedy() + ")");
                }
                total = StateSize.saturatedAdd(total, estimate.bytes());
                if (largest == null || estimate.bytes() > largest.bytes()) {
                    largest = estimate;
                    largestIndex = i;
                }
            }
            if (total > budget.perShardBytes()) {
                throw new SpecException(file, list.line(), "metrics",
                        "a worst-case window state of " + MemoryBudget.format(total) + " per shard for the "
                                + metrics.size() + " metrics together (the largest metrics[" + largestIndex + "] ("
                                + largest.metric() + ") " + MemoryBudget.format(largest.bytes()) + ": "
                                + largest.factors() + ")",
                        limit + largest.remedy() + ")");
            }
        }

        private DecoderSpec decoder(YamlNode node) {
            if (node == null) {
                return DecoderSpec.json();
            }
            if (node instanceof YamlNode.Scalar) {
                if ("json".equals(((YamlNode.Scalar) node).value())) {
                    return DecoderSpec.json();
                }
                throw error(node, "decoder", DECODER_RULE);
            }
            YamlNode.Mapping d = mapping(node, "decoder", DECODER_RULE);
            YamlNode typeNode = d.get("type");
            if (typeNode == null) {
                throw missing(d, "decoder.type", DECODER_TYPES);
            }
            switch (string(typeNode, "decoder.type", DECODER_TYPES)) {
                case "json" -> {
                    checkKeys(d, "decoder", ordered("type"));
                    return DecoderSpec.json();
                }
                case "csv" -> {
                    checkKeys(d, "decoder", ordered("type", "header", "delimiter"));
                    YamlNode headerNode = d.get("header");
                    String headerRule = "a list of distinct column names such as [ts, type, amount]";
                    if (headerNode == null) {
                        throw missing(d, "decoder.header", headerRule);
                    }
                    YamlNode.Sequence columns = sequence(headerNode, "decoder.header", headerRule);
                    List<String> header = new ArrayList<>();
                    for (int i = 0; i < columns.items().size(); i++) {
                        String column = string(columns.items().get(i), "decoder.header[" + i + "]", headerRule);
                        if (header.contains(column)) {
                            throw error(columns.items().get(i), "decoder.header[" + i + "]", "each column once");
                        }
                        header.add(column);
                    }
                    if (header.isEmpty()) {
                        throw error(columns, "decoder.header", headerRule);
                    }
                    char delimiter = ',';
                    YamlNode delimiterNode = d.get("delimiter");
                    if (delimiterNode != null) {
                        String text = delimiterNode instanceof YamlNode.Scalar s && s.value() instanceof String v
                                ? v : "";
                        if (text.length() != 1 || text.equals("\"") || text.equals("\n") || text.equals("\r")) {
                            throw error(delimiterNode, "decoder.delimiter", "one character other than a quote or "
                                    + "line break, such as \",\" or \"\\t\"");
                        }
                        delimiter = text.charAt(0);
                    }
                    return new DecoderSpec.Csv(header, delimiter);
                }
                case "regex" -> {
                    checkKeys(d, "decoder", ordered("type", "pattern"));
                    YamlNode patternNode = d.get("pattern");
                    String patternRule = "a regular expression with named groups such as (?<ts>\\d+)";
                    if (patternNode == null) {
                        throw missing(d, "decoder.pattern", patternRule);
                    }
                    String text = string(patternNode, "decoder.pattern", patternRule);
                    try {
                        return new DecoderSpec.Regex(Pattern.compile(text));
                    } catch (PatternSyntaxException e) {
                        throw error(patternNode, "decoder.pattern", patternRule + " (" + e.getDescription()
                                + " at index " + e.getIndex() + ")");
                    } catch (IllegalArgumentException e) {
                        throw error(patternNode, "decoder.pattern", patternRule);
                    }
                }
                case "avro" -> {
                    return avro(d);
                }
                case "protobuf" -> {
                    return protobuf(d);
                }
                default -> throw error(typeNode, "decoder.type", DECODER_TYPES);
            }
        }

        private Framing framing(YamlNode.Mapping d) {
            YamlNode node = d.get("framing");
            if (node == null) {
                return Framing.PLAIN;
            }
            Framing framing = Framing.ofSpecName(string(node, "decoder.framing", FRAMING_RULE));
            if (framing == null) {
                throw error(node, "decoder.framing", FRAMING_RULE);
            }
            return framing;
        }

        private DecoderSpec avro(YamlNode.Mapping d) {
            checkKeys(d, "decoder", ordered("type", "framing", "schema", "registry_url"));
            Framing framing = framing(d);
            String schemaRule = "a writer schema: an .avsc file name, or the schema's JSON as a string";
            YamlNode schemaNode = d.get("schema");
            String schema = null;
            if (schemaNode != null) {
                String text = string(schemaNode, "decoder.schema", schemaRule);
                schema = text.strip().startsWith("{") ? text : readText(schemaNode, "decoder.schema", text);
            } else if (framing == Framing.PLAIN) {
                throw missing(d, "decoder.schema", schemaRule + " (plain records name none; framing confluent "
                        + "or glue reads it from a registry)");
            }
            YamlNode urlNode = d.get("registry_url");
            String urlRule = "the Confluent Schema Registry's http(s) URL such as http://localhost:8081";
            boolean urlNeeded = schema == null && framing == Framing.CONFLUENT;
            if (urlNode == null && urlNeeded) {
                throw missing(d, "decoder.registry_url", urlRule + " (confluent framing without a schema)");
            }
            URI url = null;
            if (urlNode != null) {
                if (!urlNeeded) {
                    throw error(urlNode, "decoder.registry_url", "no registry_url: it is read only with framing "
                            + "confluent and no schema");
                }
                url = httpUrl(urlNode, "decoder.registry_url", urlRule);
            }
            try {
                return new DecoderSpec.Avro(framing, schema, url);
            } catch (IllegalArgumentException e) { // the schema: every other rule was checked above
                throw error(schemaNode, "decoder.schema", schemaRule + ", but it is " + e.getMessage());
            }
        }

        private DecoderSpec protobuf(YamlNode.Mapping d) {
            checkKeys(d, "decoder", ordered("type", "framing", "descriptor", "message"));
            Framing framing = framing(d);
            String descriptorRule = "a descriptor set file (protoc --include_imports --descriptor_set_out=FILE)";
            YamlNode descriptorNode = d.get("descriptor");
            if (descriptorNode == null) {
                throw missing(d, "decoder.descriptor", descriptorRule);
            }
            YamlNode messageNode = d.get("message");
            String messageRule = "the message type's full name such as shop.Order";
            if (messageNode == null) {
                throw missing(d, "decoder.message", messageRule);
            }
            String descriptorFile = string(descriptorNode, "decoder.descriptor", descriptorRule);
            byte[] set = readBytes(descriptorNode, "decoder.descriptor", descriptorFile);
            String message = string(messageNode, "decoder.message", messageRule);
            try {
                return DecoderSpec.Protobuf.of(framing, descriptorFile, set, message);
            } catch (IllegalArgumentException e) {
                throw error(messageNode, "decoder.message", messageRule + " in " + descriptorFile + ", but "
                        + e.getMessage());
            }
        }

        private URI httpUrl(YamlNode node, String path, String rule) {
            String text = string(node, path, rule);
            try {
                URI uri = new URI(text);
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // the sentence below says what is expected
            }
            throw error(node, path, rule);
        }

        private String readText(YamlNode node, String path, String name) {
            return new String(readBytes(node, path, name), StandardCharsets.UTF_8);
        }

        private byte[] readBytes(YamlNode node, String path, String name) {
            Path resolved = directory.resolve(name);
            try {
                return Files.readAllBytes(resolved);
            } catch (IOException | InvalidPathException e) {
                throw new SpecException(file, node.line(), path, "a file that cannot be read (" + resolved + ": "
                        + e.getClass().getSimpleName() + ")", "a readable file, relative to the spec's directory");
            }
        }

        private MetricSpec metric(YamlNode node, String path, Map<String, Integer> nameLines) {
            YamlNode.Mapping m = mapping(node, path, "a mapping describing a metric");
            checkKeys(m, path, METRIC_KEYS);
            String name = name(m, path, "a metric name of " + NAME_RULE, nameLines, "a metric");

            EventFilter filter = null;
            YamlNode filterNode = m.get("filter");
            if (filterNode != null) {
                String source = string(filterNode, child(path, "filter"), "a CEL expression that yields a bool");
                try {
                    filter = EventFilter.compile(source);
                } catch (FilterException e) {
                    throw error(filterNode, child(path, "filter"),
                            "a CEL expression that yields a bool (" + e.getMessage() + ")");
                }
            }

            List<FieldPath> groupBy = new ArrayList<>();
            YamlNode groupNode = m.get("group_by");
            if (groupNode != null) {
                String groupPath = child(path, "group_by");
                YamlNode.Sequence fields = sequence(groupNode, groupPath, "a list of field paths such as [page, user.country]");
                for (int i = 0; i < fields.items().size(); i++) {
                    YamlNode item = fields.items().get(i);
                    FieldPath field = fieldPath(item, groupPath + "[" + i + "]");
                    if (groupBy.contains(field)) {
                        throw error(item, groupPath + "[" + i + "]", "each group-by field once");
                    }
                    groupBy.add(field);
                }
            }

            MetricSpec.Builder metric = MetricSpec.builder(name);
            derive(m, path, metric);
            metric.filter(filter).groupBy(groupBy)
                    .timestamp(timestamp(m, path)).windows(window(m, path))
                    .allowedLateness(optionalDuration(m, path, "allowed_lateness", MetricSpec.DEFAULT_ALLOWED_LATENESS,
                            true))
                    .aggregates(aggregates(m, path));
            FieldPath dedup = dedup(m, path);
            if (dedup != null) {
                metric.dedup(dedup.toString());
            }
            YamlNode maxKeys = m.get("max_keys_per_window");
            if (maxKeys != null) {
                String keysRule = "a whole number from 1 to " + Integer.MAX_VALUE;
                if (!(maxKeys instanceof YamlNode.Scalar s && s.value() instanceof Long n && n >= 1
                        && n <= Integer.MAX_VALUE)) {
                    throw error(maxKeys, child(path, "max_keys_per_window"), keysRule);
                }
                metric.maxKeysPerWindow((int) (long) (Long) ((YamlNode.Scalar) maxKeys).value());
            }
            List<OutputSpec> outputs = outputs(m, path);
            AlertSpec alert = alert(m, path, built(metric, m, path));
            String problem = MetricSpec.outputsProblem(outputs, alert);
            if (problem != null) {
                // An alert without alert outputs is pointed at the alert; alert outputs without an alert at them.
                String key = m.get("alert") != null ? "alert" : "outputs";
                throw error(m.get(key), child(path, key), problem);
            }
            return built(metric.outputs(outputs).alert(alert), m, path);
        }

        private MetricSpec built(MetricSpec.Builder metric, YamlNode.Mapping m, String path) {
            try {
                return metric.build();
            } catch (IllegalArgumentException e) {
                // The one check that needs the whole metric: a nested path whose top level is a derived field.
                throw new SpecException(file, m.line(), path, "a path into a derived field ("
                        + e.getMessage().replaceFirst("^metric \\S+: ", "") + ")",
                        "derived fields named whole in group_by, timestamp, dedup and aggregates");
            }
        }

        private List<OutputSpec> outputs(YamlNode.Mapping m, String path) {
            YamlNode node = m.get("outputs");
            if (node == null) {
                return List.of();
            }
            String oPath = child(path, "outputs");
            YamlNode.Sequence list = sequence(node, oPath, "a list of outputs such as [{kinesis: results}]");
            List<OutputSpec> outputs = new ArrayList<>();
            for (int i = 0; i < list.items().size(); i++) {
                String itemPath = oPath + "[" + i + "]";
                YamlNode.Mapping item = mapping(list.items().get(i), itemPath, OUTPUT_RULE);
                if (item.entries().size() != 1) {
                    throw error(item, itemPath, OUTPUT_RULE);
                }
                var entry = item.entries().entrySet().iterator().next();
                OutputSpec.Kind kind = OutputSpec.Kind.ofSpecName(entry.getKey().name());
                if (kind == null) {
                    throw new SpecException(file, entry.getKey().line(), child(itemPath, entry.getKey().name()),
                            "an unknown output kind", "one of " + OutputSpec.Kind.specNames());
                }
                String targetPath = child(itemPath, kind.specName());
                String target = string(entry.getValue(), targetPath, kind.targetRule());
                if (!kind.accepts(target)) {
                    throw error(entry.getValue(), targetPath, kind.targetRule());
                }
                OutputSpec output = new OutputSpec(kind, target);
                if (outputs.contains(output)) {
                    throw error(entry.getValue(), targetPath, "each output listed once");
                }
                outputs.add(output);
            }
            return outputs;
        }

        /** The alert, checked against the values of {@code metric} (built so far without outputs). */
        private AlertSpec alert(YamlNode.Mapping m, String path, MetricSpec metric) {
            YamlNode node = m.get("alert");
            if (node == null) {
                return null;
            }
            String aPath = child(path, "alert");
            YamlNode.Mapping a = mapping(node, aPath, ALERT_RULE);
            checkKeys(a, aPath, ALERT_KEYS);
            YamlNode whenNode = a.get("when");
            String whenRule = "a CEL expression over the metric's values and key that yields a bool";
            if (whenNode == null) {
                throw missing(a, child(aPath, "when"), whenRule);
            }
            String when = string(whenNode, child(aPath, "when"), whenRule);
            Duration throttle = optionalDuration(a, aPath, "throttle", Duration.ZERO, true);
            Set<String> values = metric.aggregates().stream().map(AggregateSpec::name)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            try {
                return AlertSpec.of(when, throttle, values);
            } catch (FilterException e) {
                throw error(whenNode, child(aPath, "when"), whenRule + " (" + e.getMessage() + ")");
            }
        }

        /** {@code derive: {NAME: "CEL expression", ...}}: the metric's derived fields, in the order written. */
        private void derive(YamlNode.Mapping m, String path, MetricSpec.Builder metric) {
            YamlNode node = m.get("derive");
            if (node == null) {
                return;
            }
            String dPath = child(path, "derive");
            YamlNode.Mapping d = mapping(node, dPath, "a mapping of field names to CEL expressions, such as "
                    + "{level: \"upperAscii(level)\"}");
            for (var entry : d.entries().entrySet()) {
                String fieldPath = child(dPath, entry.getKey().name());
                if (!MetricSpec.isValidDerivedName(entry.getKey().name())) {
                    throw new SpecException(file, entry.getKey().line(), fieldPath, "\"" + entry.getKey().name()
                            + "\"", "a derived field name of " + MetricSpec.DERIVED_NAME_RULE);
                }
                String source = string(entry.getValue(), fieldPath, "a CEL expression computing the field");
                try {
                    metric.derive(entry.getKey().name(), EventExpression.compile(source));
                } catch (FilterException e) {
                    throw error(entry.getValue(), fieldPath, "a CEL expression computing the field ("
                            + e.getMessage() + ")");
                }
            }
        }

        private String name(YamlNode.Mapping m, String path, String expected, Map<String, Integer> nameLines,
                            String what) {
            YamlNode node = m.get("name");
            String namePath = child(path, "name");
            if (node == null) {
                throw missing(m, namePath, expected);
            }
            if (!(node instanceof YamlNode.Scalar s && s.value() instanceof String name
                    && MetricSpec.isValidName(name))) {
                throw error(node, namePath, expected);
            }
            Integer firstLine = nameLines.putIfAbsent(name, node.line());
            if (firstLine != null) {
                throw new SpecException(file, node.line(), namePath, node.describe() + " again (first on line "
                        + firstLine + ")", what + " name used once");
            }
            return name;
        }

        private TimestampSource timestamp(YamlNode.Mapping m, String path) {
            YamlNode node = m.get("timestamp");
            String tsPath = child(path, "timestamp");
            String expected = "a field path such as ts, the word arrival, or {field: PATH, format: FORMAT, max_ahead: 1h}";
            if (node == null) {
                return TimestampSource.field("ts");
            }
            if (node instanceof YamlNode.Mapping tm) {
                checkKeys(tm, tsPath, ordered("field", "format", "max_ahead"));
                YamlNode field = tm.get("field");
                if (field == null) {
                    throw missing(tm, child(tsPath, "field"), "a field path such as ts");
                }
                return new TimestampSource.EventTimeField(fieldPath(field, child(tsPath, "field")),
                        timeFormat(tm, tsPath), optionalDuration(tm, tsPath, "max_ahead",
                                TimestampSource.DEFAULT_MAX_AHEAD, true));
            }
            String text = string(node, tsPath, expected);
            if (text.equals(ARRIVAL)) {
                return TimestampSource.arrivalTime();
            }
            return new TimestampSource.EventTimeField(fieldPath(node, tsPath), TimestampSource.TimeFormat.EPOCH_MILLIS,
                    TimestampSource.DEFAULT_MAX_AHEAD);
        }

        private TimestampSource.TimeFormat timeFormat(YamlNode.Mapping tm, String tsPath) {
            YamlNode node = tm.get("format");
            if (node == null) {
                return TimestampSource.TimeFormat.EPOCH_MILLIS;
            }
            String expected = "one of " + Arrays.stream(TimestampSource.TimeFormat.values())
                    .map(TimestampSource.TimeFormat::specName).collect(Collectors.joining(", "));
            String text = string(node, child(tsPath, "format"), expected);
            return Arrays.stream(TimestampSource.TimeFormat.values())
                    .filter(format -> format.specName().equals(text))
                    .findFirst()
                    .orElseThrow(() -> error(node, child(tsPath, "format"), expected));
        }

        private WindowSpec window(YamlNode.Mapping m, String path) {
            YamlNode node = m.get("window");
            String wPath = child(path, "window");
            if (node == null) {
                return TumblingWindows.of(Duration.ofMinutes(1));
            }
            YamlNode.Mapping w = mapping(node, wPath,
                    "a mapping such as {type: tumbling, size: 1m}, {type: hopping, size: 5m, slide: 1m} "
                            + ", {type: session, gap: 30s} or {type: stagger, size: 1m}");
            YamlNode typeNode = w.get("type");
            if (typeNode == null) {
                throw missing(w, child(wPath, "type"), "one of tumbling, hopping, session, stagger");
            }
            String type = string(typeNode, child(wPath, "type"), "one of tumbling, hopping, session, stagger");
            switch (type) {
                case "tumbling" -> {
                    checkKeys(w, wPath, ordered("type", "size"));
                    return TumblingWindows.of(requiredDuration(w, wPath, "size"));
                }
                case "hopping" -> {
                    checkKeys(w, wPath, ordered("type", "size", "slide"));
                    Duration size = requiredDuration(w, wPath, "size");
                    Duration slide = requiredDuration(w, wPath, "slide");
                    if (slide.compareTo(size) > 0 || size.toMillis() % slide.toMillis() != 0) {
                        throw error(w.get("slide"), child(wPath, "slide"),
                                "a slide that divides the size " + format(size) + " evenly");
                    }
                    if (size.toMillis() / slide.toMillis() > HoppingWindows.MAX_WINDOWS_PER_EVENT) {
                        throw error(w.get("slide"), child(wPath, "slide"), "a slide of at least 1/"
                                + HoppingWindows.MAX_WINDOWS_PER_EVENT + " of the size " + format(size));
                    }
                    return HoppingWindows.of(size, slide);
                }
                case "session" -> {
                    checkKeys(w, wPath, ordered("type", "gap", "max_length"));
                    SessionWindows session = SessionWindows.withGap(requiredDuration(w, wPath, "gap"));
                    if (w.get("max_length") == null) {
                        return session;
                    }
                    Duration maxLength = duration(w.get("max_length"), child(wPath, "max_length"), false);
                    if (maxLength.compareTo(session.gap()) < 0) {
                        throw error(w.get("max_length"), child(wPath, "max_length"),
                                "a duration at least the gap " + format(session.gap()));
                    }
                    return session.withMaxLength(maxLength);
                }
                case "stagger" -> {
                    checkKeys(w, wPath, ordered("type", "size", "max_length"));
                    StaggerWindows stagger = StaggerWindows.of(requiredDuration(w, wPath, "size"));
                    return w.get("max_length") == null ? stagger
                            : stagger.withMaxLength(duration(w.get("max_length"), child(wPath, "max_length"), false));
                }
                default -> throw error(typeNode, child(wPath, "type"), "one of tumbling, hopping, session, stagger");
            }
        }

        private FieldPath dedup(YamlNode.Mapping m, String path) {
            YamlNode node = m.get("dedup");
            if (node == null) {
                return null;
            }
            String dPath = child(path, "dedup");
            YamlNode.Mapping d = mapping(node, dPath, "a mapping such as {field: event_id}");
            checkKeys(d, dPath, DEDUP_KEYS);
            YamlNode field = d.get("field");
            if (field == null) {
                throw missing(d, child(dPath, "field"), "the event-id field path, such as event_id");
            }
            return fieldPath(field, child(dPath, "field"));
        }

        private List<AggregateSpec> aggregates(YamlNode.Mapping m, String path) {
            YamlNode node = m.get("aggregates");
            String aPath = child(path, "aggregates");
            if (node == null) {
                throw missing(m, aPath, "a list of aggregates such as [{name: orders, fn: count}]");
            }
            YamlNode.Sequence list = sequence(node, aPath, "a list of aggregates such as [{name: orders, fn: count}]");
            if (list.items().isEmpty()) {
                throw error(list, aPath, "at least one aggregate");
            }
            List<AggregateSpec> result = new ArrayList<>();
            Map<String, Integer> nameLines = new HashMap<>();
            for (int i = 0; i < list.items().size(); i++) {
                result.add(aggregate(list.items().get(i), aPath + "[" + i + "]", nameLines));
            }
            return result;
        }

        private AggregateSpec aggregate(YamlNode node, String path, Map<String, Integer> nameLines) {
            YamlNode.Mapping a = mapping(node, path, "a mapping such as {name: revenue, fn: sum, field: amount}");
            String name = name(a, path, "an aggregate name of " + NAME_RULE, nameLines, "an aggregate");
            YamlNode fnNode = a.get("fn");
            String fnPath = child(path, "fn");
            String functions = "one of " + String.join(", ", registry.names());
            if (fnNode == null) {
                throw missing(a, fnPath, functions);
            }
            String fn = string(fnNode, fnPath, functions);
            AggregatorFactory factory = registry.factory(fn).orElseThrow(() -> error(fnNode, fnPath, functions));

            Set<String> allowed = new LinkedHashSet<>(AGGREGATE_KEYS);
            if (factory.field() == FieldUse.NONE || factory.field() == FieldUse.LIST) {
                allowed.remove("field");
            }
            if (factory.field() == FieldUse.LIST) {
                allowed.add("fields");
            }
            allowed.addAll(factory.parameters());
            checkKeys(a, path, allowed);

            FieldPath field = null;
            YamlNode fieldNode = a.get("field");
            if (fieldNode != null) {
                field = fieldPath(fieldNode, child(path, "field"));
            } else if (factory.field() == FieldUse.REQUIRED) {
                throw missing(a, child(path, "field"), "the field that " + fn + " aggregates, such as amount");
            }
            List<FieldPath> fields = factory.field() == FieldUse.LIST ? fieldList(a, path, fn) : List.of();
            Aggregator aggregator = factory.create(new LocatedParams(a, path, fieldNode != null || !fields.isEmpty(),
                    fields.stream().map(FieldPath::toString).toList()));
            Map<String, String> params = new LinkedHashMap<>();
            for (String parameter : factory.parameters()) {
                if (a.get(parameter) instanceof YamlNode.Scalar scalar) {
                    params.put(parameter, scalar.text());
                }
            }
            return new AggregateSpec(name, fn, field, aggregator, params, fields);
        }

        private List<FieldPath> fieldList(YamlNode.Mapping a, String path, String fn) {
            String fPath = child(path, "fields");
            String expected = "a list of 1 to " + AggregateSpec.MAX_FIELDS + " numeric fields that " + fn
                    + " reads together, such as [latency_ms, bytes]";
            YamlNode node = a.get("fields");
            if (node == null) {
                throw missing(a, fPath, expected);
            }
            YamlNode.Sequence list = sequence(node, fPath, expected);
            if (list.items().isEmpty() || list.items().size() > AggregateSpec.MAX_FIELDS) {
                throw error(list, fPath, expected);
            }
            List<FieldPath> fields = new ArrayList<>();
            for (int i = 0; i < list.items().size(); i++) {
                FieldPath field = fieldPath(list.items().get(i), fPath + "[" + i + "]");
                if (fields.contains(field)) {
                    throw error(list.items().get(i), fPath + "[" + i + "]", "a field not listed before");
                }
                fields.add(field);
            }
            return fields;
        }

        private void checkKeys(YamlNode.Mapping m, String path, Set<String> allowed) {
            for (YamlNode.Key key : m.entries().keySet()) {
                if (!allowed.contains(key.name())) {
                    throw new SpecException(file, key.line(), child(path, key.name()), "an unknown key",
                            "one of " + String.join(", ", allowed));
                }
            }
        }

        private YamlNode.Mapping mapping(YamlNode node, String path, String expected) {
            if (node instanceof YamlNode.Mapping m) {
                return m;
            }
            throw error(node, path, expected);
        }

        private YamlNode.Sequence sequence(YamlNode node, String path, String expected) {
            if (node instanceof YamlNode.Sequence s) {
                return s;
            }
            throw error(node, path, expected);
        }

        private String string(YamlNode node, String path, String expected) {
            if (node instanceof YamlNode.Scalar s && s.value() instanceof String text && !text.isBlank()) {
                return text;
            }
            throw error(node, path, expected);
        }

        private FieldPath fieldPath(YamlNode node, String path) {
            String expected = "a field path such as amount or user.country";
            String text = string(node, path, expected);
            if (!FieldPath.isValid(text)) {
                throw error(node, path, expected);
            }
            return FieldPath.parse(text);
        }

        private Duration requiredDuration(YamlNode.Mapping m, String path, String key) {
            YamlNode node = m.get(key);
            if (node == null) {
                throw missing(m, child(path, key), DURATION_RULE);
            }
            return duration(node, child(path, key), false);
        }

        private Duration optionalDuration(YamlNode.Mapping m, String path, String key, Duration defaultValue,
                                          boolean zeroAllowed) {
            YamlNode node = m.get(key);
            return node == null ? defaultValue : duration(node, child(path, key), zeroAllowed);
        }

        private Duration duration(YamlNode node, String path, boolean zeroAllowed) {
            Duration duration = node instanceof YamlNode.Scalar s && s.value() instanceof String text
                    ? parseDuration(text) : null;
            if (duration == null) {
                throw error(node, path, DURATION_RULE);
            }
            String range = durationRange(duration, zeroAllowed);
            if (range != null) {
                throw error(node, path, range);
            }
            return duration;
        }

        private String format(Duration duration) {
            return duration.toMillis() % 1000 != 0 ? duration.toMillis() + "ms" : duration.toSeconds() + "s";
        }

        /** Aggregate parameters whose mistakes point at their line in the file. */
        private final class LocatedParams implements AggregatorParams {
            private final YamlNode.Mapping mapping;
            private final String path;
            private final boolean hasField;
            private final List<String> fields;

            LocatedParams(YamlNode.Mapping mapping, String path, boolean hasField, List<String> fields) {
                this.mapping = mapping;
                this.path = path;
                this.hasField = hasField;
                this.fields = fields;
            }

            @Override
            public boolean hasField() {
                return hasField;
            }

            @Override
            public List<String> fields() {
                return fields;
            }

            @Override
            public boolean has(String key) {
                return mapping.get(key) != null;
            }

            @Override
            public double number(String key, double defaultValue) {
                YamlNode node = mapping.get(key);
                if (node == null) {
                    return defaultValue;
                }
                if (node instanceof YamlNode.Scalar s && (s.value() instanceof Long || s.value() instanceof Double)) {
                    return ((Number) s.value()).doubleValue();
                }
                throw invalid(key, "a number");
            }

            @Override
            public long integer(String key, long defaultValue) {
                YamlNode node = mapping.get(key);
                if (node == null) {
                    return defaultValue;
                }
                if (node instanceof YamlNode.Scalar s && s.value() instanceof Long value) {
                    return value;
                }
                throw invalid(key, "a whole number");
            }

            @Override
            public RuntimeException invalid(String key, String expected) {
                YamlNode node = mapping.get(key);
                return node == null ? missing(mapping, child(path, key), expected)
                        : error(node, child(path, key), expected);
            }
        }
    }
}
