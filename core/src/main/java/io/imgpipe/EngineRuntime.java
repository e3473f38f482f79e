package io.imgpipe;

import io.imgpipe.internal.CompletionNotifier;
import io.imgpipe.internal.EngineMetrics;
import io.imgpipe.internal.EngineThreads;
import io.imgpipe.internal.InFlightTasks;
import io.imgpipe.internal.LeaseKeeper;
import io.imgpipe.internal.MemoryBudget;
import io.imgpipe.internal.RequestFinisher;
import io.imgpipe.internal.RetryPolicy;
import io.imgpipe.internal.SpillFiles;
import io.imgpipe.internal.TaskPipeline;
import io.imgpipe.internal.WorkLoop;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads and state of a started engine: the claim loop, the I/O and CPU executors, the task
 * pipeline, the completion notifier and the lease keeper, wired together by {@link #start} and
 * stopped, in order and within the shutdown timeout, by {@link #stop()}.
 */
final class EngineRuntime {

    private static final Logger log = LoggerFactory.getLogger(EngineRuntime.class);
    /** How old a spilled body must be to be taken for one left by a process that died. */
    private static final Duration STALE_SPILL_AGE = Duration.ofHours(1);

    private final EngineConfig config;
    private final String workerId;
    private final ExecutorService ioExecutor;
    private final ExecutorService cpuExecutor;
    private final CompletionNotifier notifier;
    private final InFlightTasks inFlight;
    private final WorkLoop workLoop;
    private final Thread workLoopThread;
    private final LeaseKeeper leaseKeeper;
    private final AtomicBoolean forcedStop;

    private EngineRuntime(EngineConfig config, String workerId, ExecutorService ioExecutor,
            ExecutorService cpuExecutor, CompletionNotifier notifier, InFlightTasks inFlight, WorkLoop workLoop,
            Thread workLoopThread, LeaseKeeper leaseKeeper, AtomicBoolean forcedStop) {
        this.config = config;
        this.workerId = workerId;
        this.ioExecutor = ioExecutor;
        this.cpuExecutor = cpuExecutor;
        this.notifier = notifier;
        this.inFlight = inFlight;
        this.workLoop = workLoop;
        this.workLoopThread = workLoopThread;
        this.leaseKeeper = leaseKeeper;
        this.forcedStop = forcedStop;
    }

    /**
     * Creates the engine's threads and starts claiming.
     *
     * @param config the engine's settings
     * @param clock the engine's clock
     * @param components what the pipeline runs with
     * @param listeners the completion listeners
     * @param workerId the engine's id in leases
     * @param metrics told what the engine does
     * @return the running engine's threads
     */
    static EngineRuntime start(EngineConfig config, Clock clock, EngineComponents components,
            List<CompletionListener> listeners, String workerId, EngineMetrics metrics) {
        ExecutorService ioExecutor = Executors.newFixedThreadPool(config.ioConcurrency(), EngineThreads.factory("imgpipe-io"));
        ExecutorService cpuExecutor = Executors.newFixedThreadPool(config.cpuConcurrency(), EngineThreads.factory("imgpipe-cpu"));
        CompletionNotifier notifier = new CompletionNotifier(listeners, components.repository, workerId,
                config.notificationLease(), clock, metrics);
        RequestFinisher finisher = new RequestFinisher(components.repository, notifier, workerId,
                config.notificationLease(), clock, metrics);
        AtomicBoolean forcedStop = new AtomicBoolean();
        SpillFiles spillFiles = new SpillFiles(config.spillDirectory());
        spillFiles.sweep(STALE_SPILL_AGE);
        TaskPipeline pipeline = new TaskPipeline(components.fetcher, components.compressor, components.objectStore,
                components.repository, cpuExecutor, new MemoryBudget(config.memoryBudget()), spillFiles,
                new RetryPolicy(config.retryBaseDelay(), config.retryMaxDelay(), config.maxAttempts(),
                        config.maxAbandoned()), finisher, clock,
                forcedStop::get, metrics);
        InFlightTasks inFlight = new InFlightTasks(components.repository, config.leaseDuration(), clock, metrics);
        metrics.watchInFlight(inFlight);
        WorkLoop workLoop = new WorkLoop(components.repository, pipeline, inFlight, finisher, notifier, ioExecutor,
                config, workerId, clock);
        LeaseKeeper leaseKeeper = new LeaseKeeper(inFlight, notifier, config.leaseDuration(), config.notificationLease(),
                clock);
        Thread workLoopThread = EngineThreads.factory("imgpipe-claim").newThread(workLoop);
        EngineRuntime runtime = new EngineRuntime(config, workerId, ioExecutor, cpuExecutor, notifier, inFlight,
                workLoop, workLoopThread, leaseKeeper, forcedStop);
        workLoopThread.start();
        log.info("engine {} started", workerId);
        return runtime;
    }

    /** Stops claiming new tasks; those in flight go on. */
    void stopClaiming() {
        workLoop.stop();
    }

    /** Wakes the claim loop: a request was just stored. */
    void signalNewWork() {
        workLoop.signalNewWork();
    }

    /** Tells whether the calling thread is the one that calls the completion listeners. */
    boolean onDeliveryThread() {
        return notifier.onDeliveryThread();
    }

    /** Runs {@code action} once the notification being delivered on this thread has been recorded. */
    void runAfterCurrentDelivery(Runnable action) {
        notifier.runAfterCurrentDelivery(action);
    }

    /**
     * Stops claiming, gives parked tasks back, waits for the tasks in flight and then for queued
     * notifications up to the shutdown timeout in all, releases what is still in flight, and stops
     * renewing leases.
     */
    void stop() {
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        workLoop.stop();
        try {
            workLoopThread.join(Math.max(1, remainingMillis(deadline)));
            int parked = workLoop.releaseParked();
            if (parked > 0) {
                log.info("released {} tasks that were waiting for their host", parked);
            }
            ioExecutor.shutdown();
            if (!ioExecutor.awaitTermination(remainingMillis(deadline), TimeUnit.MILLISECONDS)) {
                forcedStop.set(true);
                int released = inFlight.releaseAll();
                log.info("shutdown timeout: released {} tasks still in flight", released);
                ioExecutor.shutdownNow();
                ioExecutor.awaitTermination(1, TimeUnit.SECONDS);
            }
            cpuExecutor.shutdownNow();
            notifier.shutdown(Duration.ofMillis(remainingMillis(deadline)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            forcedStop.set(true);
            workLoop.releaseParked();
            inFlight.releaseAll();
            ioExecutor.shutdownNow();
            cpuExecutor.shutdownNow();
            notifier.close();
        } finally {
            leaseKeeper.close();
        }
        log.info("engine {} stopped", workerId);
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }
}
