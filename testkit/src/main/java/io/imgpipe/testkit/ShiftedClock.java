package io.imgpipe.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system clock, moved forward by hand: time flows as usual (so an engine's loops and leases
 * keep working), and a test jumps past a lease instead of waiting it out (give it to the engines
 * and repositories under test as their clock). Thread-safe.
 */
public final class ShiftedClock extends Clock {

    private volatile Duration shift = Duration.ZERO;

    /** Creates a clock that reads the system clock until it is moved forward. */
    public ShiftedClock() {
    }

    /**
     * Moves this clock forward.
     *
     * @param duration how far
     * @return the time right after the jump
     */
    public synchronized Instant advance(Duration duration) {
        shift = shift.plus(duration);
        return instant();
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(shift);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
