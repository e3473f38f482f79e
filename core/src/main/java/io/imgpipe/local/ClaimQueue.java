package io.imgpipe.local;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Index of the tasks that are or will become claimable, so that a claim costs
 * {@code O(limit log n)} however many finished tasks the repository holds.
 *
 * <ul>
 *   <li>{@code ready}: pending tasks claimable now and until claimed, oldest first;
 *   <li>{@code timed}: pending tasks waiting for a retry time and processing tasks whose lease
 *       may expire, by the time they become claimable.
 * </ul>
 * Finished tasks are in neither. A task's {@link MemoryTask#dueAt()} must not change while it is
 * queued: take it out with {@link #remove} first. Not thread-safe: used under the repository's lock.
 */
final class ClaimQueue {

    private static final Comparator<MemoryTask> BY_DUE_TIME =
            Comparator.comparing(MemoryTask::dueAt).thenComparingLong(MemoryTask::sequence);

    private final Deque<MemoryTask> ready = new ArrayDeque<>();
    private final NavigableSet<MemoryTask> timed = new TreeSet<>(BY_DUE_TIME);

    /** Queues a new task, or one that was just claimed or deferred, by its current state. */
    void add(MemoryTask task) {
        if (task.status().isTerminal()) {
            return;
        }
        if (task.dueAt() == null) {
            ready.addLast(task);
        } else {
            timed.add(task);
        }
    }

    /** Queues a task given back unprocessed ahead of the other ready tasks: it is older than them. */
    void addFirst(MemoryTask task) {
        ready.addFirst(task);
    }

    /**
     * Takes a task whose lease is held out of the queue before its state changes. Ready tasks are
     * never held, so only the timed index is searched.
     */
    void remove(MemoryTask task) {
        timed.remove(task);
    }

    /**
     * Takes out up to {@code limit} tasks claimable at {@code now}: overdue retries and expired
     * leases first (they have waited longest), then ready tasks in creation order.
     */
    List<MemoryTask> takeDue(Instant now, int limit) {
        List<MemoryTask> due = new ArrayList<>(Math.min(limit, 64));
        while (due.size() < limit && !timed.isEmpty() && !timed.first().dueAt().isAfter(now)) {
            due.add(timed.pollFirst());
        }
        while (due.size() < limit && !ready.isEmpty()) {
            due.add(ready.pollFirst());
        }
        return due;
    }

    /** @return how many tasks are queued (for diagnostics and tests) */
    int size() {
        return ready.size() + timed.size();
    }

    /** Forgets every task. */
    void clear() {
        ready.clear();
        timed.clear();
    }
}
