package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);
    private static final byte[] BODY = "{\"requestId\":\"r1\"}".getBytes(StandardCharsets.UTF_8);

    private final WebhookSigner signer = new WebhookSigner("0123456789abcdef-test-secret");

    @Test
    void signsTheTimestampADotAndTheBodyWithHmacSha256() {
        // openssl: printf '1700000000.{"requestId":"r1"}' | openssl dgst -sha256 -hmac 0123456789abcdef-test-secret
        assertThat(signer.sign(1_700_000_000L, BODY))
                .isEqualTo("sha256=3012bc8f3fc791d17f9c8c4d3f298c58ad3601e5a58f4fac693e23f07a8a4ab4");
    }

    @Test
    void acceptsAFreshAuthenticDelivery() {
        long timestamp = NOW.minusSeconds(30).getEpochSecond();

        assertThat(signer.verify(timestamp, BODY, signer.sign(timestamp, BODY), NOW, FIVE_MINUTES)).isTrue();
    }

    @Test
    void refusesADeliveryReplayedLater() {
        long aYearAgo = NOW.minus(Duration.ofDays(365)).getEpochSecond();

        assertThat(signer.verify(aYearAgo, BODY, signer.sign(aYearAgo, BODY), NOW, FIVE_MINUTES)).isFalse();
    }

    @Test
    void refusesATimestampFarInTheFuture() {
        long later = NOW.plus(Duration.ofMinutes(6)).getEpochSecond();

        assertThat(signer.verify(later, BODY, signer.sign(later, BODY), NOW, FIVE_MINUTES)).isFalse();
    }

    @Test
    void refusesATimestampWhoseDistanceToTheClockOverflows() {
        long extreme = NOW.getEpochSecond() + Long.MIN_VALUE;

        assertThat(signer.verify(extreme, BODY, signer.sign(extreme, BODY), NOW, FIVE_MINUTES)).isFalse();
        assertThat(signer.verify(Long.MAX_VALUE, BODY, signer.sign(Long.MAX_VALUE, BODY), NOW, FIVE_MINUTES)).isFalse();
    }

    @Test
    void refusesAChangedBody() {
        long timestamp = NOW.getEpochSecond();
        String signature = signer.sign(timestamp, BODY);

        assertThat(signer.verify(timestamp, "{\"requestId\":\"r2\"}".getBytes(StandardCharsets.UTF_8), signature, NOW,
                FIVE_MINUTES)).isFalse();
    }

    @Test
    void refusesASignatureMadeWithAnotherSecret() {
        long timestamp = NOW.getEpochSecond();
        String forged = new WebhookSigner("another-secret-of-some-length").sign(timestamp, BODY);

        assertThat(signer.verify(timestamp, BODY, forged, NOW, FIVE_MINUTES)).isFalse();
        assertThat(signer.verify(timestamp, BODY, null, NOW, FIVE_MINUTES)).isFalse();
    }

    @Test
    void theShortFormChecksFreshnessAgainstTheClock() {
        long aYearAgo = Instant.now().minus(Duration.ofDays(365)).getEpochSecond();
        long justNow = Instant.now().getEpochSecond();

        assertThat(signer.verify(aYearAgo, BODY, signer.sign(aYearAgo, BODY))).isFalse();
        assertThat(signer.verify(justNow, BODY, signer.sign(justNow, BODY))).isTrue();
    }
}
