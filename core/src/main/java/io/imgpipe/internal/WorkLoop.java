package io.imgpipe.internal;

import io.imgpipe.EngineConfig;
import io.imgpipe.ImgPipeException;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.RequestRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>Each task passes its host's {@link HostGate} before it gets an I/O thread. A task whose host
 * is at its limit is parked: it holds no I/O thread, its lease is renewed, and it starts as soon
 * as its host has room and a thread is free. Parked tasks count against the claims, so that at
 * most {@code ioConcurrency} tasks are held; when parked tasks fill every free slot, the loop
 * still claims one task every poll interval (doubling the wait, up to eight intervals, while that
 * finds only more work for busy hosts; at once after a submission here), and a task of another
 * host trades places with the last task parked, which is given back for a while. A claimed task
 * whose host is busy and that cannot be parked is given back without using an attempt. A task
 * whose host is backed off ends its attempt at once ({@link TaskPipeline#runBackedOff}).
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
    private final HostGate hosts;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private boolean signalled;
    private boolean newWork;
    private volatile boolean running = true;
    private int emptyClaims;
    private int uselessProbes;
    private Instant nextHousekeeping = Instant.MIN;
    private Instant nextProbe = Instant.EPOCH;

    /** Guards {@link #busy}, {@link #parked}, {@link #parkedCount} and {@link #draining}. */
    private final Object slots = new Object();
    /** Tasks handed to the I/O executor and not finished. */
    private int busy;
    /** Tasks waiting for their host, by host, in the order they were parked. */
    private final Map<String, Deque<InFlightTasks.Held>> parked = new LinkedHashMap<>();
    private int parkedCount;
    private boolean draining;

    /**
     * Creates a {@code WorkLoop}.
     *
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
        this.hosts = new HostGate(config.maxFetchesPerHost(), config.hostFailuresBeforeBackoff(), config.hostBackoff(),
                config.retryMaxDelay(), clock);
    }

    @Override
    public void run() {
        log.info("worker {} claiming tasks ({} I/O slots, {} CPU slots, {} fetches per host)", workerId,
                config.ioConcurrency(), config.cpuConcurrency(), config.maxFetchesPerHost());
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

    /** Wakes the loop early: a slot has been freed. */
    public void signal() {
        lock.lock();
        try {
            signalled = true;
            wakeUp.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the loop early because work was submitted here: it looks for it even if waiting tasks fill every slot. */
    public void signalNewWork() {
        lock.lock();
        try {
            newWork = true;
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

    /**
     * Gives every parked task back unprocessed and parks no more (shutdown). Tasks already on
     * I/O threads go on.
     *
     * @return how many were given back
     */
    public int releaseParked() {
        List<InFlightTasks.Held> given;
        synchronized (slots) {
            draining = true;
            given = new ArrayList<>(parkedCount);
            parked.values().forEach(given::addAll);
            parked.clear();
            parkedCount = 0;
        }
        for (InFlightTasks.Held entry : given) {
            inFlight.release(entry);
            inFlight.remove(entry);
        }
        return given.size();
    }

    /** {@return how many tasks wait for their host (for tests and diagnostics)} */
    public int parkedCount() {
        synchronized (slots) {
            return parkedCount;
        }
    }

    /** {@return {@code true} if it claimed a full batch of useful work and should look again at once} */
    private boolean claimAndDispatch() {
        int wanted;
        boolean probe;
        synchronized (slots) {
            int free = config.ioConcurrency() - busy - parkedCount;
            if (free > 0) {
                wanted = Math.min(free, config.claimBatchSize());
                probe = false;
            } else if (parkedCount > 0 && busy < config.ioConcurrency() && probeDue()) {
                wanted = 1;
                probe = true;
            } else {
                return false;
            }
        }
        List<ClaimedTask> claimed;
        try {
            claimed = repository.claim(workerId, wanted, clock.instant(), config.leaseDuration());
        } catch (ImgPipeException e) {
            log.warn("could not claim tasks: {}", e.getMessage());
            return false;
        }
        int useful = 0;
        for (ClaimedTask task : claimed) {
            InFlightTasks.Held entry = inFlight.add(task);
            if (entry == null || route(entry, probe)) {
                useful++;
            }
        }
        if (probe) { // a probe that found work for a free host probes again at once; one that did not waits longer
            uselessProbes = useful == 0 ? uselessProbes + 1 : 0;
            nextProbe = useful == 0 ? clock.instant().plus(doubled(uselessProbes)) : clock.instant();
        } else {
            emptyClaims = useful == 0 ? emptyClaims + 1 : 0;
        }
        return running && useful > 0 && claimed.size() == wanted;
    }

    /**
     * {@return whether a probing claim may be made now: at a poll interval, doubled while probes find nothing useful}
     */
    private boolean probeDue() {
        lock.lock();
        try {
            if (newWork) {
                newWork = false;
                uselessProbes = 0;
                return true;
            }
        } finally {
            lock.unlock();
        }
        return !clock.instant().isBefore(nextProbe);
    }

    /**
     * Starts, parks or gives back a task just claimed.
     *
     * @param probe whether it came from a claim made while parked tasks filled every slot
     * @return whether it was taken on (started or parked), rather than given back
     */
    private boolean route(InFlightTasks.Held entry, boolean probe) {
        String host = HostGate.keyOf(entry.task().url());
        InFlightTasks.Held traded = null;
        boolean shuttingDown;
        synchronized (slots) {
            shuttingDown = draining;
            if (!shuttingDown) {
                HostGate.Admission admission = hosts.tryStart(host);
                switch (admission.decision()) {
                    case START:
                        startLocked(entry, admission);
                        if (busy + parkedCount > config.ioConcurrency()) {
                            traded = takeLastParkedLocked();
                        }
                        break;
                    case BACKED_OFF:
                        startLocked(entry, admission);
                        break;
                    default:
                        if (!probe && busy + parkedCount < config.ioConcurrency()) {
                            parked.computeIfAbsent(host, h -> new ArrayDeque<>()).addLast(entry);
                            parkedCount++;
                            return true;
                        }
                        traded = entry;
                }
            }
        }
        if (shuttingDown) {
            inFlight.release(entry);
            inFlight.remove(entry);
            return false;
        }
        if (traded != null) {
            giveBackForAWhile(traded);
            return traded != entry;
        }
        return true;
    }

    /** {@return the task parked last, of the host with the most parked, taken out; or {@code null}} */
    private InFlightTasks.Held takeLastParkedLocked() {
        Map.Entry<String, Deque<InFlightTasks.Held>> fullest = null;
        for (Map.Entry<String, Deque<InFlightTasks.Held>> candidate : parked.entrySet()) {
            if (fullest == null || candidate.getValue().size() > fullest.getValue().size()) {
                fullest = candidate;
            }
        }
        if (fullest == null) {
            return null;
        }
        InFlightTasks.Held last = fullest.getValue().pollLast();
        if (fullest.getValue().isEmpty()) {
            parked.remove(fullest.getKey());
        }
        parkedCount--;
        return last;
    }

    /** Releases a task this engine will not run now, without using an attempt, claimable again after a poll interval. */
    private void giveBackForAWhile(InFlightTasks.Held entry) {
        try {
            entry.end(lease -> repository.release(lease, clock.instant().plus(config.pollInterval())));
        } catch (RuntimeException e) {
            log.warn("could not give task {} of request {} back; it will be reclaimed when its lease expires: {}",
                    entry.lease().taskId(), entry.lease().requestId(), e.toString());
        }
        inFlight.remove(entry);
    }

    /** Hands a task with its admission to the I/O executor; {@link #busy} counts it until it finishes. */
    private void startLocked(InFlightTasks.Held entry, HostGate.Admission admission) {
        busy++;
        Runnable work;
        if (admission.decision() == HostGate.Decision.BACKED_OFF) {
            work = () -> pipeline.runBackedOff(entry, admission.until(), admission.reason());
        } else {
            HostGate.Permit permit = admission.permit();
            work = () -> pipeline.run(entry, (outcome, detail) -> fetchEnded(permit, outcome, detail));
        }
        try {
            ioExecutor.execute(() -> runTask(entry, work));
        } catch (RejectedExecutionException e) {
            busy--;
            if (admission.permit() != null) {
                hosts.ended(admission.permit(), HostGate.Outcome.UNKNOWN, null);
            }
            inFlight.release(entry);
            inFlight.remove(entry);
        }
    }

    /** A fetch ended: its host's slot goes to a task parked for it, or to anything if the host is now backed off. */
    private void fetchEnded(HostGate.Permit permit, HostGate.Outcome outcome, String detail) {
        hosts.ended(permit, outcome, detail);
        synchronized (slots) {
            startParkedLocked(permit.host());
        }
    }

    /** Starts the parked tasks of {@code host} that it has room for (all of them, if it is backed off). */
    private void startParkedLocked(String host) {
        Deque<InFlightTasks.Held> waiting = parked.get(host);
        while (waiting != null && !waiting.isEmpty() && !draining) {
            boolean backedOff = hosts.isBackedOff(host);
            if (!backedOff && busy >= config.ioConcurrency()) {
                return;
            }
            HostGate.Admission admission = hosts.tryStart(host);
            if (admission.decision() == HostGate.Decision.BUSY) {
                return;
            }
            InFlightTasks.Held next = waiting.pollFirst();
            parkedCount--;
            if (waiting.isEmpty()) {
                parked.remove(host);
            }
            startLocked(next, admission);
        }
    }

    private void runTask(InFlightTasks.Held entry, Runnable work) {
        try {
            work.run();
        } catch (Throwable e) {
            log.error("task {} of request {} ended with an error the pipeline could not handle", entry.lease().taskId(),
                    entry.lease().requestId(), e);
            throw e;
        } finally {
            InFlightTasks.Held next = inFlight.finish(entry);
            synchronized (slots) {
                busy--;
                for (String host : List.copyOf(parked.keySet())) {
                    startParkedLocked(host);
                }
            }
            if (next != null) {
                route(next, false);
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
        hosts.forgetIdle();
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
     * {@return the poll interval, doubled per claim in a row that found nothing useful, up to {@value #MAX_IDLE_BACKOFF} times}
     */
    private Duration idleWait() {
        return doubled(emptyClaims);
    }

    private Duration doubled(int fruitlessClaims) {
        return config.pollInterval().multipliedBy(1L << Math.min(Math.max(fruitlessClaims - 1, 0), MAX_IDLE_DOUBLINGS));
    }

    /**
     * Waits for a signal, the poll interval, or the next housekeeping. While claims keep finding
     * nothing useful the wait doubles, up to {@value #MAX_IDLE_BACKOFF} poll intervals, so an idle
     * engine does not keep a repository busy; a signal (a submission here, a freed slot) resets it.
     */
    private void awaitSignal() throws InterruptedException {
        long poll = idleWait().toNanos();
        long waitNanos = Math.min(poll, Math.max(0, nextHousekeeping.toEpochMilli() - clock.millis()) * 1_000_000L);
        long untilProbe = nextProbe.toEpochMilli() - clock.millis();
        if (untilProbe > 0 && parkedCount() > 0) {
            waitNanos = Math.min(waitNanos, untilProbe * 1_000_000L);
        }
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
