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
 * repository calls elsewhere (claims, sweeps) can never starve a renewal. Runs every quarter of
 * the shorter lease, renewing whatever expires within half a lease.
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
        long periodMillis = Math.max(10, Math.min(taskLease.toMillis(), notificationLease.toMillis()) / 4);
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                tasks.renewExpiring(clock.instant());
                notifications.renewExpiring(clock.instant());
            } catch (RuntimeException e) {
                log.warn("lease renewal round failed; trying again in {} ms", periodMillis, e);
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Stops renewing. */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
