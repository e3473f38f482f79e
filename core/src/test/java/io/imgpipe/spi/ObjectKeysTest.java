package io.imgpipe.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectKeysTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "req-1/1-1.jpg", "A.b_c-d/.../x", "..a/b..", ".x", "x.", "a/b/c/d/e.webp"})
    void acceptsKeysOfAllowedSegments(String key) {
        assertThat(ObjectKeys.requireValid(key)).isSameAs(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a", "a/", "a//b", ".", "..", "a/./b", "a/../b", "a b", "a/b?c", "caf\u00e9", "a\\b",
            "a/..", "./a", "a%2Fb"})
    void refusesOtherKeysNamingThem(String key) {
        assertThatThrownBy(() -> ObjectKeys.requireValid(key)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + key + "'").hasMessageContaining("segments must be non-empty");
    }

    @Test
    void refusesEmptyAndOverlongKeys() {
        assertThatThrownBy(() -> ObjectKeys.requireValid("")).hasMessage("object key must not be empty");
        assertThatThrownBy(() -> ObjectKeys.requireValid(null)).hasMessage("object key must not be empty");
        assertThatThrownBy(() -> ObjectKeys.requireValid("a".repeat(1025))).hasMessageContaining("longer than 1024");
        assertThat(ObjectKeys.requireValid("a".repeat(1024))).hasSize(1024);
    }
}
