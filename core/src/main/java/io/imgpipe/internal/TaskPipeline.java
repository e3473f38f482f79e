package io.imgpipe.internal;

import io.imgpipe.ImgPipeException;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.CompressedImage;
import io.imgpipe.spi.FetchedImage;
import io.imgpipe.spi.ImageCompressor;
import io.imgpipe.spi.ImageFetcher;
import io.imgpipe.spi.ImageInfo;
import io.imgpipe.spi.ImageOutput;
import io.imgpipe.spi.Lease;
import io.imgpipe.spi.ObjectStore;
import io.imgpipe.spi.ProductRepository;
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
 * attempts run out, the others fail the image at once. Any other exception or error (a bug, in the
 * engine or a plug-in; a {@link StackOverflowError} included) fails the image at once, logged with
 * its stack trace; running out of memory is a transient failure. Thread-safe.
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
     * the engine is stopping, in which case the task is given back unprocessed. The outcome is
     * written once, under the lease the entry holds at that moment (renewals and re-claims replace
     * it).
     *
     * @param entry the claimed task, as held by this engine
     */
    public void run(InFlightTasks.Held entry) {
        ClaimedTask task = entry.task();
        if (retryPolicy.abandonedTooOften(task.abandoned())) {
            fail(entry, "abandoned " + task.abandoned() + " times: the worker processing it died or lost its lease each"
                    + " time (an image that crashes its worker?)");
            return;
        }
        try {
            ImageOutput output = process(entry);
            if (output == null) {
                log.info("task {} of request {}: another worker took the lease over; not storing this output",
                        task.lease().taskId(), task.lease().requestId());
                return;
            }
            if (entry.end(lease -> repository.complete(lease, output, clock.instant()))) {
                log.debug("task {} of request {} completed: {}", task.lease().taskId(), task.lease().requestId(),
                        output.url());
                finisher.finishIfDone(task.lease().requestId());
            } else {
                log.info("task {} of request {} finished after another worker took its lease over; that worker's "
                        + "result stands", task.lease().taskId(), task.lease().requestId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            giveBack(entry, "interrupted by shutdown");
        } catch (RuntimeException e) {
            if (stopping.getAsBoolean()) {
                giveBack(entry, "stopped by shutdown: " + e);
            } else if (e instanceof ImgPipeException) {
                handleFailure(entry, (ImgPipeException) e);
            } else {
                failOnBug(entry, e);
            }
        } catch (OutOfMemoryError e) {
            handleFailure(entry, new ImgPipeException("out of memory while processing " + task.url(), e, true));
        } catch (Error e) {
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                throw e;
            }
            failOnBug(entry, e);
        }
    }

    private void failOnBug(InFlightTasks.Held entry, Throwable e) {
        ClaimedTask task = entry.task();
        log.error("unexpected error processing {} (task {} of request {})", task.url(), task.lease().taskId(),
                task.lease().requestId(), e);
        handleFailure(entry, new ImgPipeException("internal error: " + e, e, false));
    }

    /** Releases the task unprocessed (shutdown), so that another worker can take it at once. */
    private void giveBack(InFlightTasks.Held entry, String why) {
        Lease lease = entry.lease();
        log.debug("task {} of request {} {}; releasing it", lease.taskId(), lease.requestId(), why);
        boolean interrupted = Thread.interrupted();
        try {
            entry.end(held -> repository.release(held, clock.instant()));
        } catch (RuntimeException e) {
            log.warn("could not release task {} of request {}; it will be reclaimed when its lease expires: {}",
                    lease.taskId(), lease.requestId(), e.toString());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return what was stored, or {@code null} if the lease was lost before the output was stored */
    private ImageOutput process(InFlightTasks.Held entry) throws InterruptedException {
        ClaimedTask task = entry.task();
        FetchedImage fetched = fetcher.fetch(task.url());
        ImageInfo info = compressor.probe(fetched.body());
        long taken = pixelBudget.acquire(info.pixels());
        CompressedImage output;
        try {
            output = compressOnCpu(fetched.body());
        } finally {
            pixelBudget.release(taken);
        }
        if (entry.leaseLost()) {
            return null;
        }
        objectStore.put(task.outputKey(), output.data(), output.contentType());
        return new ImageOutput(objectStore.url(task.outputKey()), fetched.body().length, output.data().length,
                output.width(), output.height());
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
        String message = e.getMessage();
        if (e.retryable() && retryPolicy.mayRetry(task.attempt())) {
            Duration delay = retryPolicy.delayAfter(task.attempt(), e.retryAfter());
            log.info("attempt {} of {} failed, retrying in {} ms: {}", task.attempt(), retryPolicy.maxAttempts(),
                    delay.toMillis(), message);
            try {
                entry.end(lease -> repository.retryLater(lease, message, clock.instant().plus(delay)));
            } catch (RuntimeException writeFailure) {
                log.warn("could not schedule a retry of task {} of request {}; it will be reclaimed when its lease"
                        + " expires: {}", task.lease().taskId(), task.lease().requestId(), writeFailure.toString());
            }
            return;
        }
        String error = e.retryable() ? "gave up after " + task.attempt() + " attempts: " + message : message;
        log.info("image {} failed: {}", task.url(), error);
        fail(entry, error);
    }

    private void fail(InFlightTasks.Held entry, String error) {
        ClaimedTask task = entry.task();
        try {
            if (entry.end(lease -> repository.fail(lease, error, clock.instant()))) {
                finisher.finishIfDone(task.lease().requestId());
            }
        } catch (RuntimeException e) {
            log.warn("could not record the failure of task {} of request {}; it will be reclaimed when its lease"
                    + " expires: {}", task.lease().taskId(), task.lease().requestId(), e.toString());
        }
    }
}
