package io.imgpipe.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.spi.Lease;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HeldLeasesTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Instant EXPIRY = T0.plus(Duration.ofMinutes(2));

    private final HeldLeases held = new HeldLeases();

    @Test
    void claimedLeaseIsHeldUntilItExpires() {
        held.claimed(lease("r1", "t1", "a", EXPIRY));

        assertThat(held.holdsUnexpired("r1", EXPIRY.minusMillis(1))).isTrue();
        assertThat(held.holdsUnexpired("r1", EXPIRY)).isFalse();
    }

    @Test
    void endedLeaseIsNoLongerHeld() {
        held.claimed(lease("r1", "t1", "a", EXPIRY));

        held.ended(lease("r1", "t1", "a", EXPIRY));

        assertThat(held.holdsUnexpired("r1", T0)).isFalse();
    }

    @Test
    void endingAnEarlierLeaseOfTheTaskKeepsTheLeaseThatReplacedIt() {
        held.claimed(lease("r1", "t1", "old", EXPIRY));
        held.claimed(lease("r1", "t1", "new", EXPIRY.plus(Duration.ofMinutes(5))));

        held.ended(lease("r1", "t1", "old", EXPIRY));

        assertThat(held.holdsUnexpired("r1", EXPIRY)).isTrue();
    }

    @Test
    void renewalMovesTheExpiry() {
        held.claimed(lease("r1", "t1", "a", EXPIRY));

        held.renewed(lease("r1", "t1", "a", EXPIRY), EXPIRY.plus(Duration.ofMinutes(2)));

        assertThat(held.holdsUnexpired("r1", EXPIRY.plus(Duration.ofMinutes(1)))).isTrue();
    }

    @Test
    void renewalOfAnotherTokenLeavesTheExpiry() {
        held.claimed(lease("r1", "t1", "a", EXPIRY));

        held.renewed(lease("r1", "t1", "stale", EXPIRY), EXPIRY.plus(Duration.ofMinutes(2)));

        assertThat(held.holdsUnexpired("r1", EXPIRY)).isFalse();
    }

    @Test
    void leasesOfOtherRequestsDoNotCount() {
        held.claimed(lease("r1", "t1", "a", EXPIRY));

        assertThat(held.holdsUnexpired("r2", T0)).isFalse();
    }

    @Test
    void requestIsHeldWhileAnyOfItsLeasesIs() {
        held.claimed(lease("r1", "t1", "a", EXPIRY));
        held.claimed(lease("r1", "t2", "b", EXPIRY));

        held.ended(lease("r1", "t1", "a", EXPIRY));

        assertThat(held.holdsUnexpired("r1", T0)).isTrue();
    }

    private static Lease lease(String requestId, String taskId, String token, Instant expiresAt) {
        return new Lease(requestId, taskId, "w1", token, expiresAt);
    }
}
