package io.imgpipe.local;

import io.imgpipe.RepositoryException;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.ImageOutput;
import io.imgpipe.spi.Lease;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.ProductRecord;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.RequestCursor;
import io.imgpipe.spi.RequestRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ProductRepository} kept in this process's heap: for tests, demos and single-process
 * deployments that can afford to lose their state when the process ends. "Durable" in the SPI's
 * sense means here: visible to every caller of this instance until it is {@linkplain #close()
 * closed}.
 *
 * <p>It implements the whole contract: leases with fencing tokens, retry times, attempt counts,
 * release, exactly-once finishing and at-least-once notifications. Tasks that are or will become
 * claimable are indexed, so a claim costs {@code O(limit log n)} however many finished tasks the
 * repository holds; image counts per request are kept up to date as tasks move, so reading a
 * request's progress does not scan its images.
 *
 * <p>Thread-safe: every operation runs under one lock and is therefore atomic.
 * {@link #forEachProduct} takes the lock once per small batch of products and calls the action
 * outside it, so a slow consumer does not stall workers; each product is consistent in itself,
 * but products read later may reflect later task writes.
 *
 * <p>{@link #close()} discards everything; later calls fail with a {@link RepositoryException}.
 */
public final class InMemoryProductRepository implements ProductRepository {

    private static final Logger LOG = LoggerFactory.getLogger(InMemoryProductRepository.class);
    private static final int PRODUCTS_PER_LOCK = 256;
    private static final Comparator<RequestCursor> NEWEST_FIRST = Comparator.comparing(RequestCursor::createdAt)
            .thenComparing(RequestCursor::requestId).reversed();
    private static final Comparator<MemoryRequest> BY_NOTIFICATION_EXPIRY =
            Comparator.comparing(MemoryRequest::notificationExpiresAt).thenComparingLong(MemoryRequest::sequence);

    private final Object lock = new Object();
    private final AtomicLong sequences = new AtomicLong();
    private final Map<String, MemoryRequest> requests = new HashMap<>();
    private final NavigableMap<RequestCursor, MemoryRequest> newestFirst = new TreeMap<>(NEWEST_FIRST);
    private final ClaimQueue claimQueue = new ClaimQueue();
    private final Set<MemoryRequest> finishable = new LinkedHashSet<>();
    private final NavigableSet<MemoryRequest> openNotifications = new TreeSet<>(BY_NOTIFICATION_EXPIRY);
    private boolean closed;

    /** Creates an empty repository. */
    public InMemoryProductRepository() {
    }

    /**
     * {@inheritDoc}
     *
     * @throws RepositoryException (not retryable) if a request with that id exists
     */
    @Override
    public void create(NewRequest request) {
        Objects.requireNonNull(request, "request");
        MemoryRequest stored = MemoryRequest.from(request, sequences.incrementAndGet(), sequences::incrementAndGet);
        synchronized (lock) {
            ensureOpen();
            if (requests.containsKey(request.requestId())) {
                throw new RepositoryException("request " + request.requestId() + " already exists", null, false);
            }
            requests.put(request.requestId(), stored);
            newestFirst.put(cursorOf(stored), stored);
            for (MemoryTask task : stored.tasks()) {
                claimQueue.add(task);
            }
        }
        LOG.debug("created request {} with {} products and {} tasks", request.requestId(),
                request.products().size(), request.tasks().size());
    }

    @Override
    public Optional<RequestRecord> findRequest(String requestId) {
        synchronized (lock) {
            ensureOpen();
            MemoryRequest request = requests.get(requestId);
            return request == null ? Optional.empty() : Optional.of(request.toRecord());
        }
    }

    @Override
    public void forEachProduct(String requestId, Consumer<ProductRecord> action) {
        Objects.requireNonNull(action, "action");
        MemoryRequest request;
        synchronized (lock) {
            ensureOpen();
            request = requests.get(requestId);
        }
        if (request == null) {
            return;
        }
        List<MemoryProduct> products = request.products();
        for (int from = 0; from < products.size(); from += PRODUCTS_PER_LOCK) {
            List<MemoryProduct> batch = products.subList(from, Math.min(products.size(), from + PRODUCTS_PER_LOCK));
            List<ProductRecord> records = new ArrayList<>(batch.size());
            synchronized (lock) {
                ensureOpen();
                for (MemoryProduct product : batch) {
                    records.add(product.toRecord());
                }
            }
            records.forEach(action);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Requests take turns as the SPI describes; within a request, overdue retries, released
     * tasks and expired leases are handed out first, then never-claimed tasks in creation order. A
     * claim looks at every request with unfinished tasks, so it costs {@code O(r + limit log n)}
     * for {@code r} such requests.
     *
     * @throws IllegalArgumentException if {@code limit} is below 1 or {@code lease} is not positive
     */
    @Override
    public List<ClaimedTask> claim(String owner, int limit, Instant now, Duration lease) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        requirePositive(lease, "lease");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        Instant expiresAt = now.plus(lease);
        synchronized (lock) {
            ensureOpen();
            List<MemoryTask> due = claimQueue.takeDue(now, limit);
            List<ClaimedTask> claimed = new ArrayList<>(due.size());
            for (MemoryTask task : due) {
                claimed.add(task.claim(owner, UUID.randomUUID().toString(), expiresAt));
                claimQueue.add(task);
            }
            return claimed;
        }
    }

    @Override
    public boolean renew(Lease lease, Instant newExpiry) {
        Objects.requireNonNull(newExpiry, "newExpiry");
        return changeHeldTask(lease, task -> {
            task.renew(newExpiry);
            claimQueue.add(task);
        });
    }

    @Override
    public boolean complete(Lease lease, ImageOutput output, Instant now) {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(now, "now");
        return changeHeldTask(lease, task -> {
            task.complete(output);
            noteIfFinishable(task.request());
        });
    }

    @Override
    public boolean retryLater(Lease lease, String error, Instant notBefore) {
        Objects.requireNonNull(notBefore, "notBefore");
        return changeHeldTask(lease, task -> {
            task.retryLater(error, notBefore);
            claimQueue.add(task);
        });
    }

    @Override
    public boolean fail(Lease lease, String error, Instant now) {
        Objects.requireNonNull(now, "now");
        return changeHeldTask(lease, task -> {
            task.fail(error);
            noteIfFinishable(task.request());
        });
    }

    @Override
    public boolean release(Lease lease, Instant notBefore) {
        Objects.requireNonNull(notBefore, "notBefore");
        return changeHeldTask(lease, task -> {
            task.release(notBefore);
            claimQueue.add(task);
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>Requests are kept in a sorted index, so a page costs {@code O(log n + limit)}.
     */
    @Override
    public List<RequestRecord> listRequests(int limit, RequestCursor before) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        synchronized (lock) {
            ensureOpen();
            Collection<MemoryRequest> after = before == null ? newestFirst.values()
                    : newestFirst.tailMap(before, false).values();
            return after.stream().limit(limit).map(MemoryRequest::toRecord).toList();
        }
    }

    /** {@inheritDoc} <p>Sums the requests' counts in memory, without building their records. */
    @Override
    public long countPendingImages() {
        synchronized (lock) {
            ensureOpen();
            long pending = 0;
            for (MemoryRequest request : requests.values()) {
                pending += request.progress().pending();
            }
            return pending;
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code notificationLease} is not positive
     */
    @Override
    public Optional<RequestRecord> finishIfDone(String requestId, String owner, Instant now, Duration notificationLease) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        requirePositive(notificationLease, "notificationLease");
        synchronized (lock) {
            ensureOpen();
            MemoryRequest request = requests.get(requestId);
            if (request == null || !request.isFinishable()) {
                return Optional.empty();
            }
            finishable.remove(request);
            request.finish(now, owner, now.plus(notificationLease));
            openNotifications.add(request);
            RequestRecord record = request.toRecord();
            LOG.debug("request {} finished {} by {}", requestId, record.status().wireName(), owner);
            return Optional.of(record);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Requests are returned in the order their last task finished.
     */
    @Override
    public List<String> findFinishable(int limit) {
        synchronized (lock) {
            ensureOpen();
            return finishable.stream().limit(Math.max(0, limit)).map(MemoryRequest::requestId).toList();
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code lease} is not positive
     */
    @Override
    public List<RequestRecord> claimNotifications(String owner, int limit, Instant now, Duration lease) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        requirePositive(lease, "lease");
        Instant expiresAt = now.plus(lease);
        synchronized (lock) {
            ensureOpen();
            List<MemoryRequest> expired = new ArrayList<>();
            while (expired.size() < limit && !openNotifications.isEmpty()
                    && !openNotifications.first().notificationExpiresAt().isAfter(now)) {
                expired.add(openNotifications.pollFirst());
            }
            List<RequestRecord> claimed = new ArrayList<>(expired.size());
            for (MemoryRequest request : expired) {
                request.holdNotification(owner, expiresAt);
                openNotifications.add(request);
                claimed.add(request.toRecord());
            }
            return claimed;
        }
    }

    @Override
    public boolean renewNotification(String requestId, String owner, Instant newExpiry) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(newExpiry, "newExpiry");
        synchronized (lock) {
            ensureOpen();
            MemoryRequest request = requests.get(requestId);
            if (request == null || !request.isNotificationOpen() || !owner.equals(request.notificationOwner())) {
                return false;
            }
            openNotifications.remove(request);
            request.holdNotification(owner, newExpiry);
            openNotifications.add(request);
            return true;
        }
    }

    @Override
    public boolean markNotified(String requestId, String owner, Instant now) {
        Objects.requireNonNull(owner, "owner");
        synchronized (lock) {
            ensureOpen();
            MemoryRequest request = requests.get(requestId);
            if (request == null || !request.isNotificationOpen() || !owner.equals(request.notificationOwner())) {
                return false;
            }
            openNotifications.remove(request);
            request.closeNotification();
            return true;
        }
    }

    @Override
    public boolean deleteRequest(String requestId) {
        synchronized (lock) {
            ensureOpen();
            MemoryRequest request = requests.get(requestId);
            if (request == null) {
                return false;
            }
            if (!request.isFinished()) {
                throw new IllegalStateException("request " + requestId + " is not finished; only a finished request "
                        + "can be deleted");
            }
            requests.remove(requestId);
            newestFirst.remove(cursorOf(request));
            finishable.remove(request);
            if (request.isNotificationOpen()) {
                openNotifications.remove(request);
            }
            return true; // a finished request's tasks have all left the claim queue
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws RepositoryException (not retryable) if this repository is closed
     */
    @Override
    public void ping() {
        synchronized (lock) {
            ensureOpen();
        }
    }

    /** Discards every request; later calls fail. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            requests.clear();
            newestFirst.clear();
            claimQueue.clear();
            finishable.clear();
            openNotifications.clear();
        }
    }

    /** {@return how many tasks the claim index holds: the unfinished ones (for tests)} */
    int indexedTaskCount() {
        synchronized (lock) {
            return claimQueue.size();
        }
    }

    /**
     * The fenced write: under the lock, if the task is still held under the lease's token, takes
     * it out of the claim index and applies {@code change} (which puts it back if it stays
     * claimable).
     */
    private boolean changeHeldTask(Lease lease, Consumer<MemoryTask> change) {
        synchronized (lock) {
            MemoryTask task = heldTask(lease);
            if (task == null) {
                return false;
            }
            claimQueue.remove(task);
            change.accept(task);
            return true;
        }
    }

    private MemoryTask heldTask(Lease lease) {
        Objects.requireNonNull(lease, "lease");
        ensureOpen();
        MemoryRequest request = requests.get(lease.requestId());
        MemoryTask task = request == null ? null : request.task(lease.taskId());
        return task != null && task.isHeldUnder(lease.token()) ? task : null;
    }

    private static RequestCursor cursorOf(MemoryRequest request) {
        return new RequestCursor(request.createdAt(), request.requestId());
    }

    private void noteIfFinishable(MemoryRequest request) {
        if (request.isFinishable()) {
            finishable.add(request);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new RepositoryException("this InMemoryProductRepository is closed", null, false);
        }
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + duration);
        }
    }
}
