package io.rtpipe.sandbox;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UniqueNamesTest {

    @Test
    void addsEightRandomHexDigitsToTheSamePrefixEachTime() {
        String first = UniqueNames.unique("orders");
        String second = UniqueNames.unique("orders");

        assertThat(first).matches("orders-[0-9a-f]{8}");
        assertThat(second).matches("orders-[0-9a-f]{8}").isNotEqualTo(first);
    }

    @Test
    void refusesAPrefixThatWouldMakeAnInvalidBucketName() {
        assertThatThrownBy(() -> UniqueNames.unique("Orders_1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A name prefix must be 1-41 lowercase letters, digits or hyphens (starting with a letter "
                        + "or digit), got 'Orders_1'.");
        assertThatThrownBy(() -> UniqueNames.unique("")).isInstanceOf(IllegalArgumentException.class);
    }
}
