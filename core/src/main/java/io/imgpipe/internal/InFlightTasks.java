package io.imgpipe.internal;

import io.imgpipe.ImgPipeException;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.Lease;
import io.imgpipe.spi.ProductRepository;
import java.time.Clock;
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
 * ends each with one outcome write under whatever lease the entry holds at that moment.
 * Thread-safe.
 */
public final class InFlightTasks {

    private static final Logger log = LoggerFactory.getLogger(InFlightTasks.class);

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final ProductRepository repository;
    private final Duration leaseDuration;
    private final Clock clock;
    private final EngineMetrics metrics;

    /**
     * Creates an {@code InFlightTasks}.
     *
     * @param repository where leases are renewed and released
     * @param leaseDuration how long each renewal extends a lease
     * @param clock the engine's clock (released tasks are claimable from its current time)
     */
    public InFlightTasks(ProductRepository repository, Duration leaseDuration, Clock clock) {
        this(repository, leaseDuration, clock, EngineMetrics.NONE);
    }

    /**
     * @param repository where leases are renewed and released
     * @param leaseDuration how long each renewal extends a lease
     * @param clock the engine's clock (released tasks are claimable from its current time)
     * @param metrics told about renewed and lost leases
     */
    public InFlightTasks(ProductRepository repository, Duration leaseDuration, Clock clock, EngineMetrics metrics) {
        this.repository = repository;
        this.leaseDuration = leaseDuration;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** An outcome write under a lease: {@code complete}, {@code retryLater}, {@code fail} or {@code release}. */
    @FunctionalInterface
    public interface LeasedWrite {
        /**
         * {@return whether the repository applied the write}
         *
         * @param lease the lease to write under
         */
        boolean write(Lease lease);
    }

    /**
     * A task held by this engine, and the lease it is held under now. An entry ends with its first
     * outcome write that returns (applied or refused); ending and adopting a re-claimed lease are
     * mutually exclusive, so a re-claim either reaches the write or finds the entry ended and
     * gets a runner of its own.
     */
    public static final class Held {
        private final ClaimedTask task;
        private final AtomicReference<Lease> lease;
        private final Object endLock = new Object();
        private volatile boolean ended;
        private volatile boolean ending;
        private volatile Lease lostLease;
        private volatile boolean outputStored;
        private ClaimedTask adopted;

        private Held(ClaimedTask task) {
            this.task = task;
            this.lease = new AtomicReference<>(task.lease());
        }

        /** {@return the task as first claimed} */
        public ClaimedTask task() {
            return task;
        }

        /** {@return the lease to write under now (renewals and re-claims replace it)} */
        public Lease lease() {
            return lease.get();
        }

        /**
         * {@return whether a renewal found the current lease taken over by another worker (its
         *     writes will be refused, and its output would only be written after the new holder's)}
         */
        public boolean leaseLost() {
            return lease.get().equals(lostLease);
        }

        /** {@return whether an outcome write has returned for this entry} */
        public boolean ended() {
            return ended;
        }

        /** Notes that this claim stored the task's output (so a failure must not leave it behind). */
        public void markOutputStored() {
            outputStored = true;
        }

        /** {@return whether this claim stored the task's output} */
        public boolean outputStored() {
            return outputStored;
        }

        /**
         * Writes the task's outcome under the current lease, unless the entry has already ended,
         * and ends it if the write returns. A write that throws leaves the entry open, so the
         * caller may write another outcome.
         *
         * @param write the outcome write
         * @return whether the write was made and applied
         */
        public boolean end(LeasedWrite write) {
            synchronized (endLock) {
                if (ended) {
                    return false;
                }
                ending = true;
                try {
                    boolean applied = write.write(lease.get());
                    ended = true;
                    return applied;
                } finally {
                    ending = false;
                }
            }
        }

        private boolean adopt(ClaimedTask newer) {
            synchronized (endLock) {
                if (ended) {
                    return false;
                }
                lease.set(newer.lease());
                adopted = newer;
                return true;
            }
        }

        /** Ends the entry; @return a claim it adopted and that no outcome write ended, else {@code null} */
        private ClaimedTask close() {
            synchronized (endLock) {
                ClaimedTask orphan = ended ? null : adopted;
                ended = true;
                return orphan;
            }
        }
    }

    /**
     * Tracks a task just claimed. If this engine already runs that task (it re-claimed its own
     * task after the lease lapsed) and its runner has not written an outcome yet, the running entry
     * adopts the newer lease and no second runner is needed; if the runner's outcome write has
     * returned, the task gets a new entry and runner.
     *
     * @param task a task just claimed
     * @return the entry to run, or {@code null} if the running entry adopted it
     */
    public Held add(ClaimedTask task) {
        String key = key(task.lease());
        while (true) {
            Held fresh = new Held(task);
            Held running = held.putIfAbsent(key, fresh);
            if (running == null) {
                return fresh;
            }
            if (running.adopt(task)) {
                log.warn("re-claimed task {} of request {} that this engine is still running; it continues under the "
                        + "new lease", task.lease().taskId(), task.lease().requestId());
                return null;
            }
            held.remove(key, running);
        }
    }

    /**
     * Stops tracking an entry whose runner has finished. If the entry adopted a re-claim that no
     * outcome write ended (the runner's write failed, or it stopped, after the re-claim), that
     * claim is still this engine's: it is returned as a new entry, to be run.
     *
     * @param entry an entry whose runner has finished
     * @return a new entry to run, or {@code null}
     */
    public Held finish(Held entry) {
        String key = key(entry.task.lease());
        ClaimedTask orphan = entry.close();
        held.remove(key, entry);
        if (orphan == null) {
            return null;
        }
        Held fresh = new Held(orphan);
        return held.putIfAbsent(key, fresh) == null ? fresh : null;
    }

    /**
     * Stops holding a task.
     *
     * @param entry an entry never run (its dispatch was refused), released or to be left to expire
     */
    public void remove(Held entry) {
        entry.close();
        held.remove(key(entry.task.lease()), entry);
    }

    /** {@return how many tasks are held} */
    public int size() {
        return held.size();
    }

    /**
     * Renews every lease that expires within half a lease duration of {@code now}. A lease that
     * another worker has taken over is left as it is (and not tried again): the runner's writes
     * will be refused. A failure on one entry does not stop the others.
     *
     * @param now the current time
     */
    public void renewExpiring(Instant now) {
        Instant threshold = now.plus(leaseDuration.dividedBy(2));
        for (Held entry : held.values()) {
            Lease lease = entry.lease();
            if (lease.expiresAt().isAfter(threshold) || entry.ended || lease.equals(entry.lostLease)) {
                continue;
            }
            Instant newExpiry = now.plus(leaseDuration);
            try {
                if (repository.renew(lease, newExpiry)) {
                    entry.lease.compareAndSet(lease, lease.withExpiresAt(newExpiry));
                    metrics.leaseRenewed(EngineMetrics.LeaseKind.TASK);
                } else if (!entry.ended && !entry.ending) { // else its own outcome write just ended it
                    entry.lostLease = lease;
                    metrics.leaseLost(EngineMetrics.LeaseKind.TASK);
                    log.warn("lost the lease on task {} of request {}: another worker has taken it over",
                            lease.taskId(), lease.requestId());
                }
            } catch (ImgPipeException e) {
                log.warn("could not renew the lease on task {} of request {}: {}", lease.taskId(), lease.requestId(),
                        e.getMessage());
            } catch (RuntimeException e) {
                log.error("renewing the lease on task {} of request {} failed", lease.taskId(), lease.requestId(), e);
            }
        }
    }

    /**
     * Gives every held task whose runner has not written an outcome back to the repository,
     * unprocessed, and stops tracking them.
     *
     * @return how many were released
     */
    public int releaseAll() {
        int released = 0;
        for (Held entry : List.copyOf(held.values())) {
            if (release(entry)) {
                released++;
            }
            held.remove(key(entry.task.lease()), entry);
        }
        return released;
    }

    /**
     * Gives one task back unprocessed, unless its runner has already written an outcome.
     *
     * @param entry the task
     * @return whether it was released
     */
    public boolean release(Held entry) {
        try {
            return entry.end(lease -> repository.release(lease, clock.instant()));
        } catch (RuntimeException e) {
            Lease lease = entry.lease();
            log.warn("could not release task {} of request {}; it will be reclaimed when its lease expires: {}",
                    lease.taskId(), lease.requestId(), e.toString());
            return false;
        }
    }

    private static String key(Lease lease) {
        return lease.requestId() + '/' + lease.taskId();
    }
}
