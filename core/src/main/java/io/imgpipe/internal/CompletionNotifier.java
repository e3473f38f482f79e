package io.imgpipe.internal;

import io.imgpipe.CompletedRequest;
import io.imgpipe.CompletionListener;
import io.imgpipe.ImgPipeException;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.RequestRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the completion listeners for finished requests on one dedicated thread, then closes the
 * request's notification in the repository. A notification not closed (this process died, or
 * shut down first) is handed out again by the repository after its lease, to any engine.
 */
public final class CompletionNotifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CompletionNotifier.class);

    private final List<CompletionListener> listeners;
    private final ProductRepository repository;
    private final String workerId;
    private final Clock clock;
    private final ExecutorService executor;

    /**
     * @param listeners the listeners, called in order
     * @param repository where notifications are closed
     * @param workerId this engine's id, the notification holder
     * @param clock the engine's clock
     */
    public CompletionNotifier(List<CompletionListener> listeners, ProductRepository repository, String workerId,
            Clock clock) {
        this.listeners = List.copyOf(listeners);
        this.repository = repository;
        this.workerId = workerId;
        this.clock = clock;
        this.executor = Executors.newSingleThreadExecutor(EngineThreads.factory("imgpipe-notify"));
    }

    /**
     * Queues a finished request for notification.
     *
     * @param finished a request this engine finished or claimed the notification of
     */
    public void deliver(RequestRecord finished) {
        try {
            executor.execute(() -> notifyListeners(finished));
        } catch (RejectedExecutionException e) {
            log.info("shutting down: completion of request {} will be announced by an engine after its notification lease",
                    finished.requestId());
        }
    }

    private void notifyListeners(RequestRecord finished) {
        CompletedRequest completed = new CompletedRequest(finished.requestId(), finished.status(),
                finished.createdAt(), finished.finishedAt(), finished.progress(), finished.metadata());
        log.info("request {} finished {}: {} of {} images completed, {} failed", completed.requestId(),
                completed.status().wireName(), completed.progress().completed(), completed.progress().total(),
                completed.progress().failed());
        boolean redeliver = false;
        for (CompletionListener listener : listeners) {
            try {
                listener.onCompletion(completed);
            } catch (ImgPipeException e) {
                redeliver |= e.retryable();
                log.warn("completion listener {} failed for request {}{}", listener, completed.requestId(),
                        e.retryable() ? "; it will be announced again" : "", e);
            } catch (RuntimeException e) {
                log.error("completion listener {} failed for request {}", listener, completed.requestId(), e);
            }
        }
        if (redeliver || Thread.currentThread().isInterrupted()) {
            log.info("request {} left to be announced again after its notification lease", completed.requestId());
            return;
        }
        try {
            repository.markNotified(finished.requestId(), workerId, clock.instant());
        } catch (ImgPipeException e) {
            log.warn("could not record that request {} was announced; it may be announced again: {}",
                    finished.requestId(), e.getMessage());
        }
    }

    /**
     * Stops taking notifications and waits for queued ones.
     *
     * @param timeout how long to wait
     * @throws InterruptedException if interrupted while waiting
     */
    public void shutdown(Duration timeout) throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            executor.shutdownNow();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
