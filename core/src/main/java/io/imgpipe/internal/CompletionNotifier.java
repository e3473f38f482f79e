package io.imgpipe.internal;

import io.imgpipe.CompletedRequest;
import io.imgpipe.CompletionListener;
import io.imgpipe.ImgPipeException;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.RequestRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the completion listeners for finished requests on one dedicated thread, then closes the
 * request's notification in the repository.
 *
 * <p>A notification is held under a lease from the moment this engine finishes (or claims) it.
 * While it waits in the queue or is being delivered, {@link #renewExpiring} keeps that lease
 * alive, so no other engine announces it meanwhile; a request already queued here is not queued
 * twice; and just before the listeners are called the lease is renewed once more, which also
 * verifies it is still ours. A notification not closed (this process died, a listener asked for
 * redelivery, or shutdown interrupted it) is handed out again by the repository after its lease.
 */
public final class CompletionNotifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CompletionNotifier.class);

    private final List<CompletionListener> listeners;
    private final ProductRepository repository;
    private final String workerId;
    private final Duration lease;
    private final Clock clock;
    private final ExecutorService executor;
    private final Map<String, Instant> held = new ConcurrentHashMap<>();

    /**
     * @param listeners the listeners, called in order
     * @param repository where notifications are renewed and closed
     * @param workerId this engine's id, the notification holder
     * @param lease how long each renewal holds a notification
     * @param clock the engine's clock
     */
    public CompletionNotifier(List<CompletionListener> listeners, ProductRepository repository, String workerId,
            Duration lease, Clock clock) {
        this.listeners = List.copyOf(listeners);
        this.repository = repository;
        this.workerId = workerId;
        this.lease = lease;
        this.clock = clock;
        this.executor = Executors.newSingleThreadExecutor(EngineThreads.factory("imgpipe-notify"));
    }

    /**
     * Queues a finished request for notification, unless it is already queued or being delivered
     * here.
     *
     * @param finished a request this engine finished, or whose notification it claimed just now
     */
    public void deliver(RequestRecord finished) {
        if (held.putIfAbsent(finished.requestId(), clock.instant().plus(lease)) != null) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    notifyListeners(finished);
                } finally {
                    held.remove(finished.requestId());
                }
            });
        } catch (RejectedExecutionException e) {
            held.remove(finished.requestId());
            log.info("shutting down: completion of request {} will be announced by an engine after its notification lease",
                    finished.requestId());
        }
    }

    /** @return how many notifications are queued or being delivered here */
    public int pending() {
        return held.size();
    }

    /**
     * Renews the leases of notifications queued or being delivered here that expire within half a
     * lease of {@code now}.
     *
     * @param now the current time
     */
    public void renewExpiring(Instant now) {
        Instant threshold = now.plus(lease.dividedBy(2));
        held.forEach((requestId, expiresAt) -> {
            if (expiresAt.isAfter(threshold)) {
                return;
            }
            Instant newExpiry = now.plus(lease);
            try {
                if (repository.renewNotification(requestId, workerId, newExpiry)) {
                    held.replace(requestId, expiresAt, newExpiry);
                }
            } catch (ImgPipeException e) {
                log.warn("could not renew the notification of request {}: {}", requestId, e.getMessage());
            }
        });
    }

    private void notifyListeners(RequestRecord finished) {
        String requestId = finished.requestId();
        if (!stillHeld(requestId)) {
            log.info("the notification of request {} has been taken over by another engine", requestId);
            return;
        }
        CompletedRequest completed = new CompletedRequest(requestId, finished.status(), finished.createdAt(),
                finished.finishedAt(), finished.progress(), finished.metadata());
        log.info("request {} finished {}: {} of {} images completed, {} failed", requestId,
                completed.status().wireName(), completed.progress().completed(), completed.progress().total(),
                completed.progress().failed());
        boolean redeliver = false;
        for (CompletionListener listener : listeners) {
            try {
                listener.onCompletion(completed);
            } catch (ImgPipeException e) {
                redeliver |= e.retryable();
                log.warn("completion listener {} failed for request {}{}", listener, requestId,
                        e.retryable() ? "; it will be announced again" : "", e);
            } catch (RuntimeException e) {
                log.error("completion listener {} failed for request {}", listener, requestId, e);
            }
        }
        if (redeliver || Thread.currentThread().isInterrupted()) {
            log.info("request {} left to be announced again after its notification lease", requestId);
            return;
        }
        try {
            repository.markNotified(requestId, workerId, clock.instant());
        } catch (ImgPipeException e) {
            log.warn("could not record that request {} was announced; it may be announced again: {}", requestId,
                    e.getMessage());
        }
    }

    private boolean stillHeld(String requestId) {
        Instant newExpiry = clock.instant().plus(lease);
        try {
            if (!repository.renewNotification(requestId, workerId, newExpiry)) {
                return false;
            }
            held.put(requestId, newExpiry);
            return true;
        } catch (ImgPipeException e) {
            log.warn("could not confirm the notification of request {} is still ours; announcing it anyway: {}",
                    requestId, e.getMessage());
            return true;
        }
    }

    /**
     * Stops taking notifications and waits for queued ones; a listener still running at the
     * timeout is interrupted (its notification stays open).
     *
     * @param timeout how long to wait
     * @throws InterruptedException if interrupted while waiting
     */
    public void shutdown(Duration timeout) throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
            executor.shutdownNow();
            executor.awaitTermination(1, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
