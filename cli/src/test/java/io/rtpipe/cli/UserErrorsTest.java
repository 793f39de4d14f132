package io.rtpipe.cli;

import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.reference.ReferenceException;
import io.rtpipe.core.reference.ReferenceSpec;
import io.rtpipe.core.task.ProgressException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class UserErrorsTest {
    @Test
    void storedStateTheSpecMustNotUseIsAUsageErrorInOneSentence() {
        var sentence = "metric m is defined otherwise than when shard s stored its progress (window: stored a, now b):"
                + " give a changed metric a new name, or run the old definition";
        assertThat(UserErrors.explain(new IllegalStateException("wrapped", new ProgressException(sentence))))
                .isEqualTo(new UserErrors.Explained(sentence, CliException.USAGE, false));
    }

    @Test
    void aReferenceTableThatCannotBeUsedIsItsSentenceWithoutAStackTrace() {
        var spec = new ReferenceSpec("products", new ReferenceSpec.S3Object("ref-bucket", "products.csv"),
                ReferenceSpec.Format.CSV, "id", FieldPath.parse("product"), Duration.ofMinutes(5));
        var problem = new ReferenceException(spec, "there is no such object");
        assertThat(UserErrors.explain(new IllegalStateException(problem.getMessage(), problem))).isEqualTo(
                new UserErrors.Explained("reference products (s3://ref-bucket/products.csv): there is no such object",
                        CliException.FAILED, false));
    }
}
