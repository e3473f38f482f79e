package io.imgpipe.internal;

import io.imgpipe.ImgPipeException;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.CompressedImage;
import io.imgpipe.spi.FetchedImage;
import io.imgpipe.spi.ImageCompressor;
import io.imgpipe.spi.ImageFetcher;
import io.imgpipe.spi.ImageInfo;
import io.imgpipe.spi.Lease;
import io.imgpipe.spi.ObjectStore;
import io.imgpipe.spi.ProductRepository;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed task on the calling (I/O) thread: fetch, probe the header, wait for room in
 * the pixel budget, compress on the CPU executor, store, record. Failures are classified by
 * {@link ImgPipeException#retryable()}: transient ones are retried with back-off until the
 * attempts run out, the others fail the image at once. Any other exception (a bug, in the engine
 * or a plug-in) fails the image at once, logged with its stack trace. Thread-safe.
 */
public final class TaskPipeline {

    private static final Logger log = LoggerFactory.getLogger(TaskPipeline.class);

    private final ImageFetcher fetcher;
    private final ImageCompressor compressor;
    private final ObjectStore objectStore;
    private final ProductRepository repository;
    private final ExecutorService cpuExecutor;
    private final PixelBudget pixelBudget;
    private final RetryPolicy retryPolicy;
    private final RequestFinisher finisher;
    private final Clock clock;
    private final BooleanSupplier stopping;

    /**
     * @param fetcher downloads sources
     * @param compressor probes and compresses
     * @param objectStore stores outputs
     * @param repository records results
     * @param cpuExecutor runs compression, bounded to the CPU concurrency
     * @param pixelBudget bounds the pixels being decoded at once
     * @param retryPolicy decides retries and back-off
     * @param finisher finishes requests whose last task ended
     * @param clock the engine's clock
     * @param stopping tells whether the engine is shutting down (failures are then not recorded)
     */
    public TaskPipeline(ImageFetcher fetcher, ImageCompressor compressor, ObjectStore objectStore,
            ProductRepository repository, ExecutorService cpuExecutor, PixelBudget pixelBudget, RetryPolicy retryPolicy,
            RequestFinisher finisher, Clock clock, BooleanSupplier stopping) {
        this.fetcher = fetcher;
        this.compressor = compressor;
        this.objectStore = objectStore;
        this.repository = repository;
        this.cpuExecutor = cpuExecutor;
        this.pixelBudget = pixelBudget;
        this.retryPolicy = retryPolicy;
        this.finisher = finisher;
        this.clock = clock;
        this.stopping = stopping;
    }

    /**
     * Processes the task to a recorded outcome (completed, failed, or scheduled for retry), unless
     * the engine is stopping, in which case the task is left to be released. Every write uses the
     * lease the entry holds at that moment (renewals and re-claims replace it).
     *
     * @param entry the claimed task, as held by this engine
     */
    public void run(InFlightTasks.Held entry) {
        ClaimedTask task = entry.task();
        if (task.attempt() > retryPolicy.maxAttempts()) {
            fail(entry, "abandoned after " + (task.attempt() - 1) + " attempts that never finished"
                    + " (each time the worker stopped or lost its lease)");
            return;
        }
        try {
            URI outputUrl = process(task);
            Lease lease = entry.lease();
            if (repository.complete(lease, outputUrl, clock.instant())) {
                log.debug("task {} of request {} completed: {}", lease.taskId(), lease.requestId(), outputUrl);
                finisher.finishIfDone(lease.requestId());
            } else {
                log.info("task {} of request {} finished after its lease was taken over; the new holder's result stands",
                        lease.taskId(), lease.requestId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.debug("task {} of request {} interrupted by shutdown", task.lease().taskId(), task.lease().requestId());
        } catch (RuntimeException e) {
            if (stopping.getAsBoolean()) {
                log.debug("task {} of request {} stopped by shutdown: {}", task.lease().taskId(),
                        task.lease().requestId(), e.toString());
            } else if (e instanceof ImgPipeException) {
                handleFailure(entry, (ImgPipeException) e);
            } else {
                log.error("unexpected error processing {} (task {} of request {})", task.url(), task.lease().taskId(),
                        task.lease().requestId(), e);
                handleFailure(entry, new ImgPipeException("internal error: " + e, e, false));
            }
        } catch (OutOfMemoryError e) {
            handleFailure(entry, new ImgPipeException("out of memory while processing " + task.url(), e, true));
        }
    }

    private URI process(ClaimedTask task) throws InterruptedException {
        FetchedImage fetched = fetcher.fetch(task.url());
        ImageInfo info = compressor.probe(fetched.body());
        long taken = pixelBudget.acquire(info.pixels());
        CompressedImage output;
        try {
            output = compressOnCpu(fetched.body());
        } finally {
            pixelBudget.release(taken);
        }
        objectStore.put(task.outputKey(), output.data(), output.contentType());
        return objectStore.url(task.outputKey());
    }

    private CompressedImage compressOnCpu(byte[] source) throws InterruptedException {
        Future<CompressedImage> future = cpuExecutor.submit(() -> compressor.compress(source));
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new ImgPipeException("compression failed: " + cause, cause, false);
        }
    }

    private void handleFailure(InFlightTasks.Held entry, ImgPipeException e) {
        ClaimedTask task = entry.task();
        Lease lease = entry.lease();
        String message = e.getMessage();
        if (e.retryable() && retryPolicy.mayRetry(task.attempt())) {
            Duration delay = retryPolicy.delayAfter(task.attempt(), e.retryAfter());
            log.info("attempt {} of {} failed, retrying in {} ms: {}", task.attempt(), retryPolicy.maxAttempts(),
                    delay.toMillis(), message);
            try {
                repository.retryLater(lease, message, clock.instant().plus(delay));
            } catch (ImgPipeException writeFailure) {
                log.warn("could not schedule a retry of task {} of request {}; it will be reclaimed when its lease"
                        + " expires: {}", lease.taskId(), lease.requestId(), writeFailure.getMessage());
            }
            return;
        }
        String error = e.retryable() ? "gave up after " + task.attempt() + " attempts: " + message : message;
        log.info("image {} failed: {}", task.url(), error);
        fail(entry, error);
    }

    private void fail(InFlightTasks.Held entry, String error) {
        Lease lease = entry.lease();
        try {
            if (repository.fail(lease, error, clock.instant())) {
                finisher.finishIfDone(lease.requestId());
            }
        } catch (ImgPipeException e) {
            log.warn("could not record the failure of task {} of request {}; it will be reclaimed when its lease"
                    + " expires: {}", lease.taskId(), lease.requestId(), e.getMessage());
        }
    }
}
