package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

    @Test
    void readsDelaySeconds() {
        assertThat(RetryAfter.parse(" 120 ", NOW)).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void readsAnHttpDateAsTheDelayUntilThen() {
        assertThat(RetryAfter.parse("Sat, 01 Mar 2025 12:01:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void readsTheObsoleteRfc850DateForm() {
        assertThat(RetryAfter.parse("Saturday, 01-Mar-25 12:00:10 GMT", NOW)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aDateInThePastMeansNoDelay() {
        assertThat(RetryAfter.parse("Sat, 01 Mar 2025 11:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "-5", "1.5", "99999999999999999999999", ""})
    void ignoresWhatItCannotRead(String value) {
        assertThat(RetryAfter.parse(value, NOW)).isNull();
    }

    @Test
    void ignoresAMissingHeader() {
        assertThat(RetryAfter.parse(null, NOW)).isNull();
    }
}
