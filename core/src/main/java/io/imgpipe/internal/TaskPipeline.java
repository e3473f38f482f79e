package io.imgpipe.internal;

import io.imgpipe.CompressionException;
import io.imgpipe.FetchException;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed task on the calling (I/O) thread: fetch (the body's memory reserved from the
 * {@link MemoryBudget} before it is read), probe the header, take the compressor's working memory
 * from the budget, compress on the CPU executor, store, record. A task never waits for long while
 * holding memory: if the working memory is not free within a second (tasks that hold their body
 * are served before those that hold nothing), the body goes to a spill file and the task waits
 * for body and working memory together, holding nothing. An image that needs more than the whole
 * budget fails at once. Failures are classified by
 * {@link ImgPipeException#retryable()}: transient ones are retried with back-off until the
 * attempts run out, the others fail the image at once. Any other exception or error (a bug, in the
 * engine or a plug-in; a {@link StackOverflowError} included) fails the image at once, logged with
 * its stack trace; running out of memory is a transient failure. Thread-safe.
 */
public final class TaskPipeline {

    private static final Logger log = LoggerFactory.getLogger(TaskPipeline.class);
    /**
     * How long a task that holds its body waits for working memory before its body goes to disk:
     * long enough for a compression in progress to finish, short enough that holding memory while
     * waiting never stalls the others for long.
     */
    private static final Duration WORKING_MEMORY_WAIT = Duration.ofSeconds(1);

    private final ImageFetcher fetcher;
    private final ImageCompressor compressor;
    private final ObjectStore objectStore;
    private final ProductRepository repository;
    private final ExecutorService cpuExecutor;
    private final MemoryBudget memory;
    private final SpillFiles spillFiles;
    private final RetryPolicy retryPolicy;
    private final RequestFinisher finisher;
    private final Clock clock;
    private final BooleanSupplier stopping;
    private final EngineMetrics metrics;

    /**
     * Creates a {@code TaskPipeline}.
     *
     * @param fetcher downloads sources
     * @param compressor probes and compresses
     * @param objectStore stores outputs
     * @param repository records results
     * @param cpuExecutor runs compression, bounded to the CPU concurrency
     * @param memory bounds the bytes held by tasks at once
     * @param spillFiles where bodies wait for memory
     * @param retryPolicy decides retries and back-off
     * @param finisher finishes requests whose last task ended
     * @param clock the engine's clock
     * @param stopping tells whether the engine is shutting down (failures are then not recorded)
     * @param metrics told about stages, sizes and outcomes
     */
    public TaskPipeline(ImageFetcher fetcher, ImageCompressor compressor, ObjectStore objectStore,
            ProductRepository repository, ExecutorService cpuExecutor, MemoryBudget memory, SpillFiles spillFiles,
            RetryPolicy retryPolicy,
            RequestFinisher finisher, Clock clock, BooleanSupplier stopping, EngineMetrics metrics) {
        this.fetcher = fetcher;
        this.compressor = compressor;
        this.objectStore = objectStore;
        this.repository = repository;
        this.cpuExecutor = cpuExecutor;
        this.memory = memory;
        this.spillFiles = spillFiles;
        this.retryPolicy = retryPolicy;
        this.finisher = finisher;
        this.clock = clock;
        this.stopping = stopping;
        this.metrics = metrics;
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
        run(entry, FetchSlot.NONE);
    }

    /**
     * As {@link #run(InFlightTasks.Held)}, telling {@code slot} when the fetch is over (once, on
     * every path), so that its host's slot goes to the next task while this one compresses.
     *
     * @param entry the claimed task, as held by this engine
     * @param slot told how the fetch ended, as far as its host is concerned
     */
    public void run(InFlightTasks.Held entry, FetchSlot slot) {
        ClaimedTask task = entry.task();
        if (retryPolicy.abandonedTooOften(task.abandoned())) {
            slot.fetchEnded(HostGate.Outcome.UNKNOWN, null);
            fail(entry, FailureReason.ABANDONED, "abandoned " + task.abandoned() + " times: the worker"
                    + " processing it died or lost its lease each time (an image that crashes its worker?)");
            return;
        }
        OnceSlot once = new OnceSlot(slot);
        try {
            ImageOutput output = process(entry, once);
            if (output == null) {
                log.info("task {} of request {}: another worker took the lease over; not storing this output",
                        task.lease().taskId(), task.lease().requestId());
                return;
            }
            if (entry.end(lease -> repository.complete(lease, output, clock.instant()))) {
                metrics.imageCompleted();
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
        } catch (MemoryBusyException e) {
            log.info("{}; giving task {} of request {} back without using an attempt", e.getMessage(),
                    task.lease().taskId(), task.lease().requestId());
            giveBack(entry, e.getMessage(), retryPolicy.delayAfter(1, Optional.empty()));
        } catch (RuntimeException e) {
            if (stopping.getAsBoolean()) {
                giveBack(entry, "stopped by shutdown: " + e);
            } else if (e instanceof ImgPipeException) {
                handleFailure(entry, (ImgPipeException) e);
            } else {
                failOnBug(entry, e);
            }
        } catch (OutOfMemoryError e) {
            log.warn("out of memory while processing {} (task {} of request {}); the memory budget did not cover what"
                    + " ran out", task.url(), task.lease().taskId(), task.lease().requestId(), e);
            handleFailure(entry, new ImgPipeException("out of memory while processing " + task.url(), e, true),
                    FailureReason.OUT_OF_MEMORY, true);
        } catch (Error e) {
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                throw e;
            }
            failOnBug(entry, e);
        } finally {
            once.fetchEnded(HostGate.Outcome.UNKNOWN, null);
        }
    }

    /**
     * Ends a task whose host is backed off without fetching it: the attempt is used up at once
     * and the task retried after the back-off (or failed, if it was its last attempt), so that a
     * dead host's images reach an end without holding an I/O slot for a timeout each.
     *
     * @param entry the claimed task, as held by this engine
     * @param until when its host's back-off ends
     * @param reason why its host is backed off
     */
    public void runBackedOff(InFlightTasks.Held entry, Instant until, String reason) {
        ClaimedTask task = entry.task();
        if (retryPolicy.abandonedTooOften(task.abandoned())) {
            fail(entry, FailureReason.ABANDONED, "abandoned " + task.abandoned() + " times: the worker"
                    + " processing it died or lost its lease each time (an image that crashes its worker?)");
            return;
        }
        Duration wait = Duration.between(clock.instant(), until);
        handleFailure(entry, new ImgPipeException(task.url() + ": not fetched: " + reason, null, true,
                wait.isNegative() ? Duration.ZERO : wait), FailureReason.HOST_UNREACHABLE, false);
    }

    /** Told when a task's fetch is over, so that its host's slot can go to the next task. */
    @FunctionalInterface
    public interface FetchSlot {
        /** A slot that nobody waits for. */
        FetchSlot NONE = (outcome, detail) -> { };

        /**
         * Reports that the fetch has ended.
         *
         * @param outcome how the fetch ended, as far as its host is concerned
         * @param detail what went wrong, with {@link HostGate.Outcome#UNREACHABLE}
         */
        void fetchEnded(HostGate.Outcome outcome, String detail);
    }

    /** Passes the first call on, ignores the others. */
    private static final class OnceSlot implements FetchSlot {
        private final FetchSlot slot;
        private boolean ended;

        OnceSlot(FetchSlot slot) {
            this.slot = slot;
        }

        @Override
        public void fetchEnded(HostGate.Outcome outcome, String detail) {
            if (!ended) {
                ended = true;
                slot.fetchEnded(outcome, detail);
            }
        }
    }

    private void failOnBug(InFlightTasks.Held entry, Throwable e) {
        ClaimedTask task = entry.task();
        log.error("unexpected error processing {} (task {} of request {})", task.url(), task.lease().taskId(),
                task.lease().requestId(), e);
        handleFailure(entry, new ImgPipeException("internal error: " + e, e, false), FailureReason.INTERNAL_ERROR, true);
    }

    /** Releases the task unprocessed (shutdown), so that another worker can take it at once. */
    private void giveBack(InFlightTasks.Held entry, String why) {
        giveBack(entry, why, Duration.ZERO);
    }

    /** Releases the task unprocessed, using no attempt, claimable again after {@code delay}. */
    private void giveBack(InFlightTasks.Held entry, String why, Duration delay) {
        Lease lease = entry.lease();
        log.debug("task {} of request {} {}; releasing it", lease.taskId(), lease.requestId(), why);
        boolean interrupted = Thread.interrupted();
        try {
            entry.end(held -> repository.release(held, clock.instant().plus(delay)));
        } catch (RuntimeException e) {
            log.warn("could not release task {} of request {}; it will be reclaimed when its lease expires: {}",
                    lease.taskId(), lease.requestId(), e.toString());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@return what was stored, or {@code null} if the lease was lost before the output was stored} */
    private ImageOutput process(InFlightTasks.Held entry, FetchSlot slot) throws InterruptedException {
        ClaimedTask task = entry.task();
        try (TaskMemory held = new TaskMemory(memory)) {
            byte[] source = fetch(task, held, slot);
            int sourceLength = source.length;
            ImageInfo info = compressor.probe(source);
            long needed = 2L * sourceLength + info.workingBytes();
            if (needed > memory.capacity()) {
                throw new CompressionException(info.format() + " image of " + info.width() + "x" + info.height()
                        + " needs " + Bytes.describe(needed) + " of memory to compress (" + Bytes.count(info.workingBytes())
                        + " bytes of working memory, and its " + Bytes.count(sourceLength) + " source bytes counted"
                        + " twice: the decoder copies them), more than the"
                        + " engine's whole memory budget of " + Bytes.describe(memory.capacity())
                        + "; raise EngineConfig.memoryBudget (by default half the maximum heap, so raising -Xmx"
                        + " raises it)");
            }
            if (!held.growBefore(needed - held.held(), System.nanoTime() + WORKING_MEMORY_WAIT.toNanos())) {
                Path spilled = spillFiles.write(source);
                source = null; // the body waits on disk: nothing may keep it in the heap meanwhile
                source = readBackWithMemory(task, spilled, needed, held);
            }
            CompressedImage output = compressOnCpu(source);
            source = null;
            held.replaceWith(output.data().length);
            if (entry.leaseLost()) {
                return null;
            }
            store(task, output);
            entry.markOutputStored();
            return new ImageOutput(objectStore.url(task.outputKey()), sourceLength, output.data().length,
                    output.width(), output.height());
        }
    }

    private void store(ClaimedTask task, CompressedImage output) {
        long started = System.nanoTime();
        boolean stored = false;
        try {
            objectStore.put(task.outputKey(), output.data(), output.contentType());
            stored = true;
        } finally {
            metrics.stageTimed(EngineMetrics.Stage.STORE, System.nanoTime() - started, stored);
        }
        metrics.stored(output.data().length);
    }

    /** {@return the body, in memory and charged to {@code held}} */
    private byte[] fetch(ClaimedTask task, TaskMemory held, FetchSlot slot) {
        FetchedImage fetched;
        long started = System.nanoTime();
        try {
            fetched = fetcher.fetch(task.url(), held);
        } catch (RuntimeException | Error e) {
            metrics.stageTimed(EngineMetrics.Stage.FETCH, System.nanoTime() - started, false);
            if (held.bodyWaitTimedOut()) {
                slot.fetchEnded(HostGate.Outcome.UNKNOWN, null);
                throw new MemoryBusyException("waited until the fetch's total timeout for memory for the body of "
                        + task.url(), e);
            }
            slot.fetchEnded(hostOutcome(e), e.getMessage());
            throw e;
        }
        metrics.stageTimed(EngineMetrics.Stage.FETCH, System.nanoTime() - started, true);
        metrics.fetched(fetched.body().length);
        slot.fetchEnded(HostGate.Outcome.ANSWERED, null);
        held.settleBody(fetched.body().length);
        return fetched.body();
    }

    /**
     * {@return what a failed fetch says about its host: unreachable (timeouts, connections), answered, or nothing}
     */
    private HostGate.Outcome hostOutcome(Throwable e) {
        if (stopping.getAsBoolean() || !(e instanceof FetchException)) {
            return HostGate.Outcome.UNKNOWN;
        }
        switch (((FetchException) e).reason()) {
            case TIMEOUT:
            case CONNECTION:
                return HostGate.Outcome.UNREACHABLE;
            case ADDRESS_REFUSED:
                return HostGate.Outcome.UNKNOWN;
            default:
                return HostGate.Outcome.ANSWERED;
        }
    }

    /**
     * Waits holding nothing, its body in {@code spilled}, until body and working memory fit
     * together; then reads the body back.
     */
    private byte[] readBackWithMemory(ClaimedTask task, Path spilled, long needed, TaskMemory held)
            throws InterruptedException {
        log.debug("task {} of request {} waits for {} of memory; its body waits on disk", task.lease().taskId(),
                task.lease().requestId(), Bytes.describe(needed));
        try {
            held.release();
            held.acquire(needed);
            return spillFiles.read(spilled);
        } finally {
            spillFiles.delete(spilled);
        }
    }

    /** The fetch failed for want of memory in this engine, not because of its source: no attempt is used. */
    private static final class MemoryBusyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MemoryBusyException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private CompressedImage compressOnCpu(byte[] source) throws InterruptedException {
        Future<CompressedImage> future = cpuExecutor.submit(() -> timedCompress(source));
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

    private CompressedImage timedCompress(byte[] source) {
        long started = System.nanoTime();
        boolean compressed = false;
        try {
            CompressedImage output = compressor.compress(source);
            compressed = true;
            return output;
        } finally {
            metrics.stageTimed(EngineMetrics.Stage.COMPRESS, System.nanoTime() - started, compressed);
        }
    }

    private void handleFailure(InFlightTasks.Held entry, ImgPipeException e) {
        handleFailure(entry, e, FailureReason.of(e), true);
    }

    /**
     * Schedules a retry of a failed task, or fails it for good.
     *
     * @param reason the failure's classification, for metrics
     * @param loud whether a retry is logged at INFO (else DEBUG: back-off skips, one per task, would flood the log)
     */
    private void handleFailure(InFlightTasks.Held entry, ImgPipeException e, FailureReason reason, boolean loud) {
        ClaimedTask task = entry.task();
        String message = e.getMessage();
        if (e.retryable() && retryPolicy.mayRetry(task.attempt())) {
            Duration delay = retryPolicy.delayAfter(task.attempt(), e.retryAfter());
            if (loud) {
                log.info("attempt {} of {} failed, retrying in {} ms: {}", task.attempt(), retryPolicy.maxAttempts(),
                        delay.toMillis(), message);
            } else {
                log.debug("attempt {} of {} failed, retrying in {} ms: {}", task.attempt(), retryPolicy.maxAttempts(),
                        delay.toMillis(), message);
            }
            metrics.imageRetried(reason);
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
        fail(entry, reason, error);
    }

    /**
     * Records the task's final failure; once that is recorded, deletes its output if this or an
     * earlier claim may have stored one (a claim whose complete write failed, or that died after
     * storing), so that a failed image leaves no object behind. (A worker that lost its lease may
     * still store one afterwards: its own complete write is then refused; {@code delete(requestId)}
     * removes such a straggler with the request.)
     */
    private void fail(InFlightTasks.Held entry, FailureReason reason, String error) {
        ClaimedTask task = entry.task();
        boolean applied;
        try {
            applied = entry.end(lease -> repository.fail(lease, error, clock.instant()));
        } catch (RuntimeException e) {
            log.warn("could not record the failure of task {} of request {}; it will be reclaimed when its lease"
                    + " expires: {}", task.lease().taskId(), task.lease().requestId(), e.toString());
            return;
        }
        if (!applied) {
            return;
        }
        metrics.imageFailed(reason);
        if (entry.outputStored() || task.attempt() > 1 || task.abandoned() > 0) {
            deleteStrayOutput(task);
        }
        finisher.finishIfDone(task.lease().requestId());
    }

    private void deleteStrayOutput(ClaimedTask task) {
        try {
            objectStore.delete(task.outputKey());
        } catch (RuntimeException e) {
            log.warn("could not delete output {} of failed task {} of request {}; deleting the request removes it: {}",
                    task.outputKey(), task.lease().taskId(), task.lease().requestId(), e.toString());
        }
    }
}
