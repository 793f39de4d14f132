package io.rtpipe.core.spec;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.reference.ReferenceSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code references:} section: what it loads to, how it is written back, and its located errors. */
class ReferenceSpecLoaderTest {
    private final SpecLoader loader = SpecLoader.standard();
    private static final String METRIC = """
            metrics:
              - name: m
                group_by: [products.category]
                aggregates: [{name: total, fn: sum, field: products.price}]
            """;

    @Test
    void loadsEachSourceKindAndWritesItBack() {
        EngineConfig config = loader.parse("spec.yaml", """
                references:
                  - {name: products, s3: s3://ref-bucket/tables/products.csv, format: csv, key: product_id, on: product.id, reload: 1m}
                  - {name: users, dynamodb: users-table, key: user_id, on: user}
                  - {name: regions, file: ./regions.jsonl, format: jsonl, key: code, on: region}
                """ + METRIC);
        assertThat(config.references()).containsExactly(
                new ReferenceSpec("products", new ReferenceSpec.S3Object("ref-bucket", "tables/products.csv"),
                        ReferenceSpec.Format.CSV, "product_id", FieldPath.parse("product.id"), Duration.ofMinutes(1)),
                new ReferenceSpec("users", new ReferenceSpec.DynamoDbTable("users-table"), null, "user_id",
                        FieldPath.parse("user"), Duration.ofMinutes(5)),
                new ReferenceSpec("regions", new ReferenceSpec.LocalFile("./regions.jsonl"),
                        ReferenceSpec.Format.JSON_LINES, "code", FieldPath.parse("region"), Duration.ofMinutes(5)));
        String written = SpecWriter.write(config);
        assertThat(written).contains("""
                references:
                  - {name: products, s3: "s3://ref-bucket/tables/products.csv", format: csv, key: product_id, on: product.id, reload: 1m}
                  - {name: users, dynamodb: "users-table", key: user_id, on: user, reload: 5m}
                  - {name: regions, file: "./regions.jsonl", format: jsonl, key: code, on: region, reload: 5m}
                """);
        assertThat(loader.parse("written.yaml", written).references()).isEqualTo(config.references());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `{name: p, format: csv, key: id, on: x}` | `spec.yaml:2: references[0].s3: found nothing, expected one source: s3: s3://BUCKET/KEY, file: PATH or dynamodb: TABLE`
            `{name: p, s3: s3://b-1/k, file: k.csv, format: csv, key: id, on: x}` | `spec.yaml:2: references[0].file: found "k.csv", expected one source only, not both s3 and file`
            `{name: p, s3: bucket/k.csv, format: csv, key: id, on: x}` | `spec.yaml:2: references[0].s3: found "bucket/k.csv", expected an object such as s3://bucket/products.csv`
            `{name: p, s3: s3://b-1/k.csv, key: id, on: x}` | `spec.yaml:2: references[0].format: found nothing, expected one of csv, jsonl, parquet`
            `{name: p, s3: s3://b-1/k.orc, format: orc, key: id, on: x}` | `spec.yaml:2: references[0].format: found "orc", expected one of csv, jsonl, parquet`
            `{name: p, dynamodb: t-1, format: csv, key: id, on: x}` | `spec.yaml:2: references[0].format: found "csv", expected no format for a DynamoDB table (its items are the rows)`
            `{name: p, dynamodb: t-1, on: x}` | `spec.yaml:2: references[0].key: found nothing, expected the name of the column that identifies a row, such as product_id`
            `{name: p, dynamodb: t-1, key: a.b, on: x}` | `spec.yaml:2: references[0].key: found "a.b", expected the name of the column that identifies a row, such as product_id`
            `{name: p, dynamodb: t-1, key: id}` | `spec.yaml:2: references[0].on: found nothing, expected the event field to look up, such as product.id`
            `{name: p, dynamodb: t-1, key: id, on: x, reload: 0s}` | `spec.yaml:2: references[0].reload: found "0s", expected a duration from 1ms to 366d`
            `{name: p, dynamodb: t-1, key: id, on: x, reload: 10ms}` | `spec.yaml:2: references[0].reload: found "10ms", expected a duration of at least 1s`
            `{name: p, dynamodb: t-1, key: id, on: x, cache: 1}` | `spec.yaml:2: references[0].cache: found an unknown key, expected one of name, s3, file, dynamodb, format, key, on, reload`
            `{name: Products, dynamodb: t-1, key: id, on: x}` | `spec.yaml:2: references[0].name: found "Products", expected a reference name of 1-63 lower-case letters, digits or underscores starting with a letter`
            """)
    void reportsEachMistakeAsOneLocatedSentence(String reference, String expected) {
        assertThatThrownBy(() -> loader.parse("spec.yaml", "references:\n  - " + reference + "\n" + METRIC))
                .isInstanceOf(SpecException.class).hasMessage(expected);
    }

    @Test
    void aReferencePathIsOneColumnAndOneReferenceCannotLookUpAnother() {
        assertThatThrownBy(() -> loader.parse("spec.yaml", """
                references:
                  - {name: products, dynamodb: t-1, key: id, on: product}
                metrics:
                  - name: m
                    group_by: [products.size.width]
                    aggregates: [{name: c, fn: count}]
                """)).hasMessage("spec.yaml:4: metrics[0] (m): found the field \"products.size.width\", expected a "
                + "column of reference products as products.COLUMN");
        assertThatThrownBy(() -> loader.parse("spec.yaml", """
                references:
                  - {name: products, dynamodb: t-1, key: id, on: product}
                  - {name: makers, dynamodb: t-2, key: id, on: products.maker}
                """ + METRIC)).hasMessage("spec.yaml:3: references[1].on: found \"products.maker\", a column of "
                + "reference products, expected an event field (one reference cannot look up another)");
        assertThatThrownBy(() -> loader.parse("spec.yaml", """
                references:
                  - {name: products, dynamodb: t-1, key: id, on: product}
                  - {name: products, dynamodb: t-2, key: id, on: product}
                """ + METRIC)).hasMessage("spec.yaml:3: references[1].name: found \"products\" again (first on "
                + "line 2), expected a reference name used once");
    }
}
