package io.imgpipe.internal;

import io.imgpipe.EngineConfig;
import io.imgpipe.ImgPipeException;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.RequestRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's claim loop, on one thread: claims as many tasks as there are free I/O slots and
 * hands them to the I/O executor; sleeps for the poll interval when there is nothing to do
 * (woken early by a submission or a finished task); and, every housekeeping interval, finishes
 * requests left unfinished by a dead worker and takes over notifications whose holder died.
 * Leases are renewed elsewhere ({@link LeaseKeeper}), so a slow call here cannot let them lapse.
 */
public final class WorkLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(WorkLoop.class);
    private static final int SWEEP_LIMIT = 100;
    private static final int MAX_IDLE_DOUBLINGS = 3;
    private static final int MAX_IDLE_BACKOFF = 1 << MAX_IDLE_DOUBLINGS;

    private final ProductRepository repository;
    private final TaskPipeline pipeline;
    private final InFlightTasks inFlight;
    private final RequestFinisher finisher;
    private final CompletionNotifier notifier;
    private final ExecutorService ioExecutor;
    private final EngineConfig config;
    private final String workerId;
    private final Clock clock;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private boolean signalled;
    private volatile boolean running = true;
    private int emptyClaims;
    private Instant nextHousekeeping = Instant.MIN;

    /**
     * @param repository where tasks are claimed
     * @param pipeline runs each task
     * @param inFlight the tasks held
     * @param finisher finishes requests found finishable
     * @param notifier announces finished requests
     * @param ioExecutor runs the pipeline, one task per thread
     * @param config the engine's settings
     * @param workerId the engine's id in leases
     * @param clock the engine's clock
     */
    public WorkLoop(ProductRepository repository, TaskPipeline pipeline, InFlightTasks inFlight,
            RequestFinisher finisher, CompletionNotifier notifier, ExecutorService ioExecutor, EngineConfig config,
            String workerId, Clock clock) {
        this.repository = repository;
        this.pipeline = pipeline;
        this.inFlight = inFlight;
        this.finisher = finisher;
        this.notifier = notifier;
        this.ioExecutor = ioExecutor;
        this.config = config;
        this.workerId = workerId;
        this.clock = clock;
    }

    @Override
    public void run() {
        log.info("worker {} claiming tasks ({} I/O slots, {} CPU slots)", workerId, config.ioConcurrency(),
                config.cpuConcurrency());
        while (running) {
            try {
                housekeepIfDue();
                if (!claimAndDispatch()) {
                    awaitSignal();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                log.error("claim loop error; retrying after the poll interval", e);
                try {
                    sleepPollInterval();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        log.info("worker {} stopped claiming", workerId);
    }

    /** Wakes the loop early: new work may be claimable, or a slot has been freed. */
    public void signal() {
        lock.lock();
        try {
            signalled = true;
            wakeUp.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Makes the loop stop claiming; returns at once. */
    public void stop() {
        running = false;
        signal();
    }

    /** @return {@code true} if it claimed a full batch and should look again at once */
    private boolean claimAndDispatch() {
        int free = config.ioConcurrency() - inFlight.size();
        if (free <= 0) {
            return false;
        }
        int wanted = Math.min(free, config.claimBatchSize());
        List<ClaimedTask> claimed;
        try {
            claimed = repository.claim(workerId, wanted, clock.instant(), config.leaseDuration());
        } catch (ImgPipeException e) {
            log.warn("could not claim tasks: {}", e.getMessage());
            return false;
        }
        emptyClaims = claimed.isEmpty() ? emptyClaims + 1 : 0;
        for (ClaimedTask task : claimed) {
            InFlightTasks.Held entry = inFlight.add(task);
            if (entry != null) {
                dispatch(entry);
            }
        }
        return running && claimed.size() == wanted;
    }

    private void dispatch(InFlightTasks.Held entry) {
        try {
            ioExecutor.execute(() -> runTask(entry));
        } catch (RejectedExecutionException e) {
            inFlight.release(entry);
            inFlight.remove(entry);
        }
    }

    private void runTask(InFlightTasks.Held entry) {
        try {
            pipeline.run(entry);
        } catch (Throwable e) {
            log.error("task {} of request {} ended with an error the pipeline could not handle", entry.lease().taskId(),
                    entry.lease().requestId(), e);
            throw e;
        } finally {
            InFlightTasks.Held next = inFlight.finish(entry);
            if (next != null) {
                dispatch(next);
            }
            signal();
        }
    }

    private void housekeepIfDue() {
        Instant now = clock.instant();
        if (now.isBefore(nextHousekeeping)) {
            return;
        }
        nextHousekeeping = now.plus(config.housekeepingInterval());
        try {
            for (String requestId : repository.findFinishable(SWEEP_LIMIT)) {
                finisher.finishIfDone(requestId);
            }
            List<RequestRecord> orphaned = repository.claimNotifications(workerId, SWEEP_LIMIT, now,
                    config.notificationLease());
            orphaned.forEach(notifier::deliver);
        } catch (ImgPipeException e) {
            log.warn("housekeeping failed; will try again in {}: {}", config.housekeepingInterval(), e.getMessage());
        }
    }

    /**
     * Waits for a signal, the poll interval, or the next housekeeping. While claims keep finding
     * nothing the wait doubles, up to {@value #MAX_IDLE_BACKOFF} poll intervals, so an idle engine
     * does not keep a repository busy; a signal (a submission here, a freed slot) resets it.
     */
    private void awaitSignal() throws InterruptedException {
        long poll = config.pollInterval().toNanos() << Math.min(Math.max(emptyClaims - 1, 0), MAX_IDLE_DOUBLINGS);
        long waitNanos = Math.min(poll, Math.max(0, nextHousekeeping.toEpochMilli() - clock.millis()) * 1_000_000L);
        lock.lock();
        try {
            if (!signalled && running && waitNanos > 0) {
                wakeUp.awaitNanos(waitNanos);
            }
            if (signalled) {
                emptyClaims = 0;
            }
            signalled = false;
        } finally {
            lock.unlock();
        }
    }

    private void sleepPollInterval() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(config.pollInterval().toMillis());
    }
}
