package io.rtpipe.producer.partition;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionKeySelectorTest {

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private final PartitionKeySelector userId = PartitionKeySelector.jsonField("user_id");

    @Test
    void readsATopLevelStringNumberOrBoolean() {
        assertThat(userId.partitionKey(json("{\"type\":\"view\",\"user_id\":\"u42\",\"ts\":1}"))).isEqualTo("u42");
        assertThat(userId.partitionKey(json("{\"user_id\":1234567890123}"))).isEqualTo("1234567890123");
        assertThat(userId.partitionKey(json("{\"user_id\":true}"))).isEqualTo("true");
        assertThat(userId.partitionKey(json("{\"user_id\":\"caf\u00e9 \\\"q\\\"\"}"))).isEqualTo("caf\u00e9 \"q\"");
    }

    @Test
    void ignoresTheSameNameInsideNestedValues() {
        String nested = "{\"ctx\":{\"user_id\":\"inner\",\"list\":[{\"user_id\":\"deeper\"}]},\"user_id\":\"outer\"}";
        assertThat(userId.partitionKey(json(nested))).isEqualTo("outer");
        assertThat(userId.partitionKey(json("{\"ctx\":{\"user_id\":\"inner\"}}"))).isNull();
    }

    @Test
    void givesNoKeyForMissingNullEmptyNestedOrOverlongValuesAndForNonObjects() {
        assertThat(userId.partitionKey(json("{\"page\":\"/p/1\"}"))).isNull();
        assertThat(userId.partitionKey(json("{\"user_id\":null}"))).isNull();
        assertThat(userId.partitionKey(json("{\"user_id\":\"\"}"))).isNull();
        assertThat(userId.partitionKey(json("{\"user_id\":{\"id\":1}}"))).isNull();
        assertThat(userId.partitionKey(json("{\"user_id\":\"" + "x".repeat(257) + "\"}"))).isNull();
        assertThat(userId.partitionKey(json("{\"user_id\":\"" + "x".repeat(256) + "\"}"))).hasSize(256);
        assertThat(userId.partitionKey(json("[{\"user_id\":\"u1\"}]"))).isNull();
        assertThat(userId.partitionKey(json("not json at all"))).isNull();
        assertThat(userId.partitionKey(json("{\"user_id\":"))).isNull();
        assertThat(userId.partitionKey(new byte[0])).isNull();
    }

    @Test
    void theFallbackUsesTheSelectorsKeyOrARandomOneAndCountsOnlyTheRandomOnes() {
        PartitionKeyWithFallback keys = new PartitionKeyWithFallback(userId);
        assertThat(keys.keyFor(json("{\"user_id\":\"u7\"}"))).isEqualTo("u7");
        String first = keys.keyFor(json("{\"page\":\"/p/1\"}"));
        String second = keys.keyFor(json("not json"));
        assertThat(first).matches("[0-9a-f]{16}");
        assertThat(second).matches("[0-9a-f]{16}").isNotEqualTo(first);
        assertThat(keys.fallbacks()).isEqualTo(2);
        assertThat(new PartitionKeyWithFallback(PartitionKeySelector.random()).fallbacks()).isZero();
    }

    @Test
    void randomKeysAreSixteenHexDigitsAndDistinct() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String key = PartitionKeySelector.random().partitionKey(new byte[0]);
            assertThat(key).matches("[0-9a-f]{16}");
            keys.add(key);
        }
        assertThat(keys).hasSize(10_000);
    }

    @Test
    void validityFollowsKinesisLimitsInUnicodeCharacters() {
        assertThat(PartitionKeySelector.isValid("a")).isTrue();
        assertThat(PartitionKeySelector.isValid("")).isFalse();
        assertThat(PartitionKeySelector.isValid(null)).isFalse();
        assertThat(PartitionKeySelector.isValid("a".repeat(257))).isFalse();
        String emoji = new String(Character.toChars(0x1F600));
        assertThat(PartitionKeySelector.isValid(emoji.repeat(256))).as("256 code points, 512 chars").isTrue();
        assertThatThrownBy(() -> PartitionKeySelector.jsonField("")).isInstanceOf(IllegalArgumentException.class);
    }
}
