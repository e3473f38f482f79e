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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks this engine holds right now, with their leases: renews leases before they expire and
 * releases them on shutdown. Thread-safe.
 */
public final class InFlightTasks {

    private static final Logger log = LoggerFactory.getLogger(InFlightTasks.class);

    private final Map<String, Lease> leases = new ConcurrentHashMap<>();
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

    /** @param task a task just claimed */
    public void add(ClaimedTask task) {
        leases.put(key(task.lease()), task.lease());
    }

    /** @param task a task no longer held */
    public void remove(ClaimedTask task) {
        leases.remove(key(task.lease()));
    }

    /** @return how many tasks are held */
    public int size() {
        return leases.size();
    }

    /**
     * Renews every lease that expires within half a lease duration of {@code now}. A lease that
     * could not be renewed because another worker took the task over is dropped from tracking;
     * the task's own writes will then be refused by fencing.
     *
     * @param now the current time
     */
    public void renewExpiring(Instant now) {
        Instant threshold = now.plus(leaseDuration.dividedBy(2));
        for (Map.Entry<String, Lease> entry : leases.entrySet()) {
            Lease lease = entry.getValue();
            if (lease.expiresAt().isAfter(threshold)) {
                continue;
            }
            Instant newExpiry = now.plus(leaseDuration);
            try {
                if (repository.renew(lease, newExpiry)) {
                    leases.replace(entry.getKey(), lease, lease.withExpiresAt(newExpiry));
                } else {
                    log.warn("lost the lease on task {} of request {}: another worker has taken it over",
                            lease.taskId(), lease.requestId());
                    leases.remove(entry.getKey(), lease);
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
        for (Lease lease : List.copyOf(leases.values())) {
            try {
                if (repository.release(lease)) {
                    released++;
                }
            } catch (ImgPipeException e) {
                log.warn("could not release task {} of request {}; it will be reclaimed when its lease expires: {}",
                        lease.taskId(), lease.requestId(), e.getMessage());
            }
            leases.remove(key(lease));
        }
        return released;
    }

    private static String key(Lease lease) {
        return lease.requestId() + '/' + lease.taskId();
    }
}
