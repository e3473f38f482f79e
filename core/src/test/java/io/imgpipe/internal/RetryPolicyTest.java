package io.imgpipe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), 4, 2);

    @Test
    void allowsRetriesUntilTheLastAttempt() {
        assertThat(policy.mayRetry(1)).isTrue();
        assertThat(policy.mayRetry(3)).isTrue();
        assertThat(policy.mayRetry(4)).isFalse();
    }

    @RepeatedTest(50)
    void delayDoublesPerAttemptWithJitterBetweenHalfAndAll() {
        assertThat(policy.delayAfter(1, Optional.empty())).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(policy.delayAfter(2, Optional.empty())).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(policy.delayAfter(3, Optional.empty())).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    @RepeatedTest(20)
    void delayIsCappedAtTheMaximum() {
        assertThat(policy.delayAfter(30, Optional.empty())).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
        assertThat(policy.delayAfter(Integer.MAX_VALUE, Optional.empty())).isLessThanOrEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void honoursRetryAfterWhenLongerThanTheBackOff() {
        assertThat(policy.delayAfter(1, Optional.of(Duration.ofSeconds(10)))).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void capsRetryAfterAtTheMaximum() {
        assertThat(policy.delayAfter(1, Optional.of(Duration.ofHours(1)))).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void differentCallsGiveDifferentDelays() {
        long distinct = java.util.stream.IntStream.range(0, 50)
                .mapToObj(i -> policy.delayAfter(5, Optional.empty()))
                .distinct()
                .count();
        assertThat(distinct).isGreaterThan(1);
    }
}
