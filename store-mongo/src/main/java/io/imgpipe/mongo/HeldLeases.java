package io.imgpipe.mongo;

import io.imgpipe.spi.Lease;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The leases this repository handed out and whose holders have not ended them yet, by request and
 * task. A request of which this repository holds an unexpired lease is not done (a lease is taken
 * over only once it has expired, and callers' clocks agree to well within a lease), so
 * {@link MongoProductRepository#finishIfDone} answers without asking the database whether the
 * request has open tasks: a question mongo-java-server can only answer by scanning every task.
 *
 * <p>Only an optimization: a lease ended through another repository is forgotten when it expires,
 * and a request that is not finished here is found by {@code findFinishable}. Thread-safe; holds
 * at most {@value #CAPACITY} leases (beyond that it forgets them all, which only costs probes).
 */
final class HeldLeases {

    static final int CAPACITY = 100_000;

    private final Map<String, Map<String, Held>> byRequest = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();

    private record Held(String token, Instant expiresAt) {
    }

    void claimed(Lease lease) {
        if (size.get() >= CAPACITY) {
            byRequest.clear();
            size.set(0);
        }
        byRequest.compute(lease.requestId(), (requestId, tasks) -> {
            Map<String, Held> held = tasks == null ? new HashMap<>() : tasks;
            if (held.put(lease.taskId(), new Held(lease.token(), lease.expiresAt())) == null) {
                size.incrementAndGet();
            }
            return held;
        });
    }

    void renewed(Lease lease, Instant newExpiry) {
        byRequest.computeIfPresent(lease.requestId(), (requestId, tasks) -> {
            tasks.computeIfPresent(lease.taskId(),
                    (taskId, held) -> held.token().equals(lease.token()) ? new Held(held.token(), newExpiry) : held);
            return tasks;
        });
    }

    void ended(Lease lease) {
        byRequest.computeIfPresent(lease.requestId(), (requestId, tasks) -> {
            Held held = tasks.get(lease.taskId());
            if (held != null && held.token().equals(lease.token())) {
                tasks.remove(lease.taskId());
                size.decrementAndGet();
            }
            return tasks.isEmpty() ? null : tasks;
        });
    }

    /**
     * Forgets the request's leases that expired at or before {@code now}.
     *
     * @return whether one of its leases is still unexpired at {@code now}
     */
    boolean holdsUnexpired(String requestId, Instant now) {
        Map<String, Held> left = byRequest.computeIfPresent(requestId, (id, tasks) -> {
            int before = tasks.size();
            tasks.values().removeIf(held -> !held.expiresAt().isAfter(now));
            size.addAndGet(tasks.size() - before);
            return tasks.isEmpty() ? null : tasks;
        });
        return left != null;
    }
}
