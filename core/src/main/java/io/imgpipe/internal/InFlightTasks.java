package io.imgpipe.internal;

import io.imgpipe.ImgPipeException;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.Lease;
import io.imgpipe.spi.ProductRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks this engine holds right now, one entry per task, each with its current lease: the
 * lease keeper renews them before they expire, shutdown releases them, and the task's runner
 * writes its outcome under whatever lease the entry holds when it finishes. Thread-safe.
 */
public final class InFlightTasks {

    private static final Logger log = LoggerFactory.getLogger(InFlightTasks.class);

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final ProductRepository repository;
    private final Duration leaseDuration;

    /**
     * @param repository where leases are renewed and released
     * @param leaseDuration how long each renewal extends a lease
     */
    public InFlightTasks(ProductRepository repository, Duration leaseDuration) {
        this.repository = repository;
        this.leaseDuration = leaseDuration;
    }

    /** A task held by this engine, and the lease it is held under now. */
    public static final class Held {
        private final ClaimedTask task;
        private final AtomicReference<Lease> lease;

        private Held(ClaimedTask task) {
            this.task = task;
            this.lease = new AtomicReference<>(task.lease());
        }

        /** @return the task as first claimed */
        public ClaimedTask task() {
            return task;
        }

        /** @return the lease to write under now (renewals and re-claims replace it) */
        public Lease lease() {
            return lease.get();
        }
    }

    /**
     * Tracks a task just claimed. If this engine already runs that task (it re-claimed its own
     * task after the lease lapsed), the running entry adopts the newer lease and no second runner
     * is needed.
     *
     * @param task a task just claimed
     * @return the entry to run, or {@code null} if the task was already running here
     */
    public Held add(ClaimedTask task) {
        Held fresh = new Held(task);
        Held running = held.putIfAbsent(key(task.lease()), fresh);
        if (running == null) {
            return fresh;
        }
        running.lease.set(task.lease());
        log.warn("re-claimed task {} of request {} that this engine is still running; it continues under the new lease",
                task.lease().taskId(), task.lease().requestId());
        return null;
    }

    /** @param entry an entry whose runner has finished */
    public void remove(Held entry) {
        held.remove(key(entry.task.lease()), entry);
    }

    /** @return how many tasks are held */
    public int size() {
        return held.size();
    }

    /**
     * Renews every lease that expires within half a lease duration of {@code now}. A lease that
     * another worker has taken over is left as it is: the runner's writes will be refused.
     *
     * @param now the current time
     */
    public void renewExpiring(Instant now) {
        Instant threshold = now.plus(leaseDuration.dividedBy(2));
        for (Held entry : held.values()) {
            Lease lease = entry.lease();
            if (lease.expiresAt().isAfter(threshold)) {
                continue;
            }
            Instant newExpiry = now.plus(leaseDuration);
            try {
                if (repository.renew(lease, newExpiry)) {
                    entry.lease.compareAndSet(lease, lease.withExpiresAt(newExpiry));
                } else {
                    log.warn("lost the lease on task {} of request {}: another worker has taken it over",
                            lease.taskId(), lease.requestId());
                }
            } catch (ImgPipeException e) {
                log.warn("could not renew the lease on task {} of request {}: {}", lease.taskId(), lease.requestId(),
                        e.getMessage());
            }
        }
    }

    /**
     * Gives every held task back to the repository, unprocessed.
     *
     * @return how many were released
     */
    public int releaseAll() {
        int released = 0;
        for (Held entry : List.copyOf(held.values())) {
            Lease lease = entry.lease();
            try {
                if (repository.release(lease)) {
                    released++;
                }
            } catch (ImgPipeException e) {
                log.warn("could not release task {} of request {}; it will be reclaimed when its lease expires: {}",
                        lease.taskId(), lease.requestId(), e.getMessage());
            }
            held.remove(key(lease), entry);
        }
        return released;
    }

    private static String key(Lease lease) {
        return lease.requestId() + '/' + lease.taskId();
    }
}
