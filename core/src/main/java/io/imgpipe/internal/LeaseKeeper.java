package io.imgpipe.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the engine's task leases and notification leases on a thread of its own, so that slow
 * repository calls elsewhere (claims, sweeps) can never starve a renewal. Runs every sixth of
 * the shorter lease, renewing whatever expires within half a lease, so each lease gets about three
 * tries before it expires and one failed renewal (a repository blip) does not lose it. Nothing thrown in a round
 * (an {@link Error} from a repository included) stops the next one: a scheduled task that threw
 * would never run again.
 */
public final class LeaseKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(EngineThreads.factory("imgpipe-lease"));

    /**
     * Starts renewing.
     *
     * @param tasks the task leases
     * @param notifications the notification leases
     * @param taskLease the task lease duration
     * @param notificationLease the notification lease duration
     * @param clock the engine's clock
     */
    public LeaseKeeper(InFlightTasks tasks, CompletionNotifier notifications, Duration taskLease,
            Duration notificationLease, Clock clock) {
        long periodMillis = Math.max(10, Math.min(taskLease.toMillis(), notificationLease.toMillis()) / 6);
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                tasks.renewExpiring(clock.instant());
            } catch (Throwable e) {
                log.error("renewing task leases failed; trying again in {} ms", periodMillis, e);
            }
            try {
                notifications.renewExpiring(clock.instant());
            } catch (Throwable e) {
                log.error("renewing notification leases failed; trying again in {} ms", periodMillis, e);
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Stops renewing. */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
