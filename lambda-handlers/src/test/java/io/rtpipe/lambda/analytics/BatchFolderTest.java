package io.rtpipe.lambda.analytics;

import io.rtpipe.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the Lambda's engine part refuses at cold start. */
class BatchFolderTest {

    @Test
    void aSpecWithReferenceTablesIsRefusedWithOneSentence() {
        var config = SpecLoader.standard().parse("spec.yaml", """
                references:
                  - {name: products, dynamodb: products, key: id, on: product}
                metrics:
                  - name: m
                    aggregates: [{name: total, fn: sum, field: products.price}]
                """);
        assertThatThrownBy(() -> new BatchFolder(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the analytics Lambda does not join reference tables (its window state carries no "
                        + "reference versions), and the spec names 1: run it in the KCL consumer (rtpipe consume) "
                        + "instead");
    }
}
