package io.rtpipe.cli;

import io.rtpipe.core.task.ProgressException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UserErrorsTest {
    @Test
    void storedStateTheSpecMustNotUseIsAUsageErrorInOneSentence() {
        var sentence = "metric m is defined otherwise than when shard s stored its progress (window: stored a, now b):"
                + " give a changed metric a new name, or run the old definition";
        assertThat(UserErrors.explain(new IllegalStateException("wrapped", new ProgressException(sentence))))
                .isEqualTo(new UserErrors.Explained(sentence, CliException.USAGE, false));
    }
}
