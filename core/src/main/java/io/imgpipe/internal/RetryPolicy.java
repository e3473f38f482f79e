package io.imgpipe.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with jitter: the n-th retry waits a random time between half and all of
 * {@code min(max, base * 2^(n-1))}, and never less than a server's {@code Retry-After} (itself
 * capped at {@code max}). Thread-safe.
 */
public final class RetryPolicy {

    private final Duration base;
    private final Duration max;
    private final int maxAttempts;
    private final int maxAbandoned;

    /**
     * Creates a {@code RetryPolicy}.
     *
     * @param base the delay before the first retry
     * @param max the longest delay
     * @param maxAttempts the most attempts in all
     * @param maxAbandoned the most abandoned claims of one task before it fails
     */
    public RetryPolicy(Duration base, Duration max, int maxAttempts, int maxAbandoned) {
        this.base = base;
        this.max = max;
        this.maxAttempts = maxAttempts;
        this.maxAbandoned = maxAbandoned;
    }

    /**
     * {@return whether that is more than allowed, so the task fails instead of being tried again}
     *
     * @param abandoned how many claims of a task were abandoned (its worker died or lost the lease)
     */
    public boolean abandonedTooOften(int abandoned) {
        return abandoned > maxAbandoned;
    }

    /**
     * {@return whether another is allowed}
     *
     * @param attempt the attempt that just failed (1-based)
     */
    public boolean mayRetry(int attempt) {
        return attempt < maxAttempts;
    }

    /** {@return the most attempts in all} */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * {@return how long to wait before the next attempt}
     *
     * @param attempt the attempt that just failed (1-based)
     * @param retryAfter what the remote side asked for, if anything
     */
    public Duration delayAfter(int attempt, Optional<Duration> retryAfter) {
        long maxMillis = max.toMillis();
        int doublings = Math.min(Math.max(attempt - 1, 0), 40);
        long ceiling = Math.min(maxMillis, saturatedShift(base.toMillis(), doublings));
        long jittered = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling - ceiling / 2 + 1);
        long asked = retryAfter.map(Duration::toMillis).orElse(0L);
        return Duration.ofMillis(Math.max(jittered, Math.min(asked, maxMillis)));
    }

    private static long saturatedShift(long value, int shift) {
        return value > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : value << shift;
    }
}
