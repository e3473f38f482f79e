package io.imgpipe.internal;

import io.imgpipe.CompletedRequest;
import io.imgpipe.CompletionListener;
import io.imgpipe.ImgPipeException;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.RequestRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
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
 * verifies it is still ours. Once one delivery has run for longer than a notification lease (a
 * listener hangs), the notifications queued behind it are no longer renewed, so other engines take
 * them over after their lease. A notification not closed (this process died, a listener asked
 * for redelivery, or shutdown interrupted it) is handed out again by the repository after its
 * lease; those still queued at shutdown are given up at once.
 *
 * <p>A listener may close the engine: {@link #shutdown} called on the delivery thread does not
 * wait for itself, drops what is queued, and lets the current delivery finish and be recorded.
 */
public final class CompletionNotifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CompletionNotifier.class);

    private final List<CompletionListener> listeners;
    private final ProductRepository repository;
    private final String workerId;
    private final Duration lease;
    private final Clock clock;
    private final ThreadPoolExecutor executor;
    private final Map<String, Instant> held = new ConcurrentHashMap<>();
    private final List<Runnable> afterDelivery = new ArrayList<>();
    private volatile Thread deliveryThread;
    private volatile String deliveringId;
    private volatile Instant deliveringSince;
    private final EngineMetrics metrics;

    /**
     * Creates a {@code CompletionNotifier}.
     *
     * @param listeners the listeners, called in order
     * @param repository where notifications are renewed and closed
     * @param workerId this engine's id, the notification holder
     * @param lease how long each renewal holds a notification
     * @param clock the engine's clock
     */
    public CompletionNotifier(List<CompletionListener> listeners, ProductRepository repository, String workerId,
            Duration lease, Clock clock) {
        this(listeners, repository, workerId, lease, clock, EngineMetrics.NONE);
    }

    /**
     * @param listeners the listeners, called in order
     * @param repository where notifications are renewed and closed
     * @param workerId this engine's id, the notification holder
     * @param lease how long each renewal holds a notification
     * @param clock the engine's clock
     * @param metrics told about listener calls and notification leases
     */
    public CompletionNotifier(List<CompletionListener> listeners, ProductRepository repository, String workerId,
            Duration lease, Clock clock, EngineMetrics metrics) {
        this.metrics = metrics;
        this.listeners = List.copyOf(listeners);
        this.repository = repository;
        this.workerId = workerId;
        this.lease = lease;
        this.clock = clock;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                EngineThreads.factory("imgpipe-notify"));
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
            executor.execute(() -> deliverNow(finished));
        } catch (RejectedExecutionException e) {
            held.remove(finished.requestId());
            giveUp(finished.requestId());
            log.info("shutting down: completion of request {} will be announced by an engine after its notification lease",
                    finished.requestId());
        }
    }

    private void deliverNow(RequestRecord finished) {
        deliveryThread = Thread.currentThread();
        deliveringId = finished.requestId();
        deliveringSince = clock.instant();
        try {
            notifyListeners(finished);
        } finally {
            deliveringId = null;
            deliveringSince = null;
            held.remove(finished.requestId());
            runAfterDelivery();
        }
    }

    /** {@return how many notifications are queued or being delivered here} */
    public int pending() {
        return held.size();
    }

    /** {@return whether the calling thread is the one that calls the listeners} */
    public boolean onDeliveryThread() {
        return Thread.currentThread() == deliveryThread;
    }

    /**
     * Runs an action once the delivery in progress on this thread has been recorded; called from a
     * listener (a listener that closes the engine defers closing the repository this way).
     *
     * @param action what to run
     * @throws IllegalStateException if not called on the delivery thread
     */
    public void runAfterCurrentDelivery(Runnable action) {
        if (!onDeliveryThread()) {
            throw new IllegalStateException("not on the delivery thread");
        }
        afterDelivery.add(action);
    }

    private void runAfterDelivery() {
        List<Runnable> actions = List.copyOf(afterDelivery);
        afterDelivery.clear();
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.warn("an action after delivering a notification failed", e);
            }
        }
    }

    /**
     * Renews the leases of notifications queued or being delivered here that expire within half a
     * lease of {@code now}. While one delivery has run for longer than a lease, only that one is
     * renewed. A failure on one notification does not stop the others.
     *
     * @param now the current time
     */
    public void renewExpiring(Instant now) {
        Instant threshold = now.plus(lease.dividedBy(2));
        String delivering = deliveringId;
        Instant since = deliveringSince;
        boolean stalled = since != null && since.plus(lease).isBefore(now);
        held.forEach((requestId, expiresAt) -> {
            if (expiresAt.isAfter(threshold) || (stalled && !requestId.equals(delivering))) {
                return;
            }
            Instant newExpiry = now.plus(lease);
            try {
                if (repository.renewNotification(requestId, workerId, newExpiry)) {
                    held.replace(requestId, expiresAt, newExpiry);
                    metrics.leaseRenewed(EngineMetrics.LeaseKind.NOTIFICATION);
                }
            } catch (ImgPipeException e) {
                log.warn("could not renew the notification of request {}: {}", requestId, e.getMessage());
            } catch (RuntimeException e) {
                log.error("renewing the notification of request {} failed", requestId, e);
            }
        });
    }

    private void notifyListeners(RequestRecord finished) {
        String requestId = finished.requestId();
        if (!stillHeld(requestId)) {
            metrics.leaseLost(EngineMetrics.LeaseKind.NOTIFICATION);
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
                metrics.listenerCalled(EngineMetrics.ListenerOutcome.SUCCESS);
            } catch (ImgPipeException e) {
                redeliver |= e.retryable();
                metrics.listenerCalled(e.retryable() ? EngineMetrics.ListenerOutcome.RETRY
                        : EngineMetrics.ListenerOutcome.FAILURE);
                log.warn("completion listener {} failed for request {}{}", listener, requestId,
                        e.retryable() ? "; it will be announced again" : "", e);
            } catch (RuntimeException e) {
                metrics.listenerCalled(EngineMetrics.ListenerOutcome.FAILURE);
                log.error("completion listener {} failed for request {}", listener, requestId, e);
            }
        }
        if (Thread.interrupted()) {
            log.info("shutdown interrupted the announcement of request {}; another engine announces it again",
                    requestId);
            giveUp(requestId);
            Thread.currentThread().interrupt();
            return;
        }
        if (redeliver) {
            log.info("request {} left to be announced again after its notification lease", requestId);
            return;
        }
        try {
            repository.markNotified(requestId, workerId, clock.instant());
        } catch (RuntimeException e) {
            log.warn("could not record that request {} was announced; it may be announced again: {}", requestId,
                    e.toString());
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
        } catch (RuntimeException e) {
            log.warn("could not confirm the notification of request {} is still ours; announcing it anyway: {}",
                    requestId, e.toString());
            return true;
        }
    }

    /**
     * Stops taking notifications and waits for queued ones; a listener still running at the
     * timeout is interrupted (its notification stays open), and notifications not delivered are
     * given up so that another engine can announce them at once. Called on the delivery thread
     * (a listener closing the engine), it does not wait: it drops the queue, gives those up, and
     * the current delivery finishes normally.
     *
     * @param timeout how long to wait
     * @throws InterruptedException if interrupted while waiting
     */
    public void shutdown(Duration timeout) throws InterruptedException {
        executor.shutdown();
        if (onDeliveryThread()) {
            executor.getQueue().clear();
            giveUpAllBut(deliveringId);
            return;
        }
        if (!executor.awaitTermination(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
            executor.shutdownNow();
            executor.awaitTermination(1, TimeUnit.SECONDS);
        }
        giveUpAllBut(null);
    }

    private void giveUpAllBut(String keep) {
        for (String requestId : List.copyOf(held.keySet())) {
            if (!requestId.equals(keep) && held.remove(requestId) != null) {
                giveUp(requestId);
            }
        }
    }

    /** Ends this engine's hold on a notification now, so the next engine to look may announce it. */
    private void giveUp(String requestId) {
        try {
            repository.renewNotification(requestId, workerId, clock.instant());
        } catch (RuntimeException e) {
            log.debug("could not give up the notification of request {}; it is announced after its lease", requestId, e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
