package io.imgpipe.internal;

import io.imgpipe.ImgPipeException;
import io.imgpipe.spi.ProductRepository;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes a request once its last task has ended, and hands the request to the notifier if
 * this engine was the one that finished it. Thread-safe.
 */
public final class RequestFinisher {

    private static final Logger log = LoggerFactory.getLogger(RequestFinisher.class);

    private final ProductRepository repository;
    private final CompletionNotifier notifier;
    private final String workerId;
    private final Duration notificationLease;
    private final Clock clock;
    private final EngineMetrics metrics;

    /**
     * Creates a {@code RequestFinisher}.
     *
     * @param repository where requests are finished
     * @param notifier who announces finished requests
     * @param workerId this engine's id
     * @param notificationLease how long this engine holds a notification
     * @param clock the engine's clock
     * @param metrics told about requests finished
     */
    public RequestFinisher(ProductRepository repository, CompletionNotifier notifier, String workerId,
            Duration notificationLease, Clock clock, EngineMetrics metrics) {
        this.metrics = metrics;
        this.repository = repository;
        this.notifier = notifier;
        this.workerId = workerId;
        this.notificationLease = notificationLease;
        this.clock = clock;
    }

    /**
     * Finishes the request if all its tasks have ended. Failures are logged: the housekeeping
     * sweep finishes the request later.
     *
     * @param requestId the request whose task just ended
     */
    public void finishIfDone(String requestId) {
        try {
            repository.finishIfDone(requestId, workerId, clock.instant(), notificationLease).ifPresent(finished -> {
                metrics.requestFinished(finished.status());
                notifier.deliver(finished);
            });
        } catch (ImgPipeException e) {
            log.warn("could not finish request {} now; the housekeeping sweep will: {}", requestId, e.getMessage());
        }
    }
}
