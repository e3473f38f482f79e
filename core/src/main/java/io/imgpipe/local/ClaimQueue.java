package io.imgpipe.local;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Index of the tasks that are or will become claimable, by request, with the requests' turns.
 *
 * <p>Each request with unfinished tasks has a queue of its own:
 * <ul>
 *   <li>{@code ready}: pending tasks claimable now and until claimed, oldest first;
 *   <li>{@code timed}: pending tasks waiting for a retry time, released tasks, and processing
 *       tasks whose lease may expire, by the time they become claimable.
 * </ul>
 * Finished tasks are in neither. Requests take turns: the one served least recently (never
 * served first, in creation order; the order is counted here, not read from a clock) gives one task, then the next, round after round. A claim
 * looks at every request with unfinished tasks in its first round and only at those that gave a
 * task in the rounds after. A task's {@link MemoryTask#dueAt()} must not change while it is
 * queued: take it out with {@link #remove} first. Not thread-safe: used under the repository's
 * lock.
 */
final class ClaimQueue {

    private static final Comparator<MemoryTask> BY_DUE_TIME =
            Comparator.comparing(MemoryTask::dueAt).thenComparingLong(MemoryTask::sequence);
    private static final Comparator<RequestQueue> BY_TURN =
            Comparator.<RequestQueue>comparingLong(queue -> queue.request.lastServed())
                    .thenComparingLong(queue -> queue.request.sequence());

    private final Map<MemoryRequest, RequestQueue> queues = new HashMap<>();
    private final NavigableSet<RequestQueue> turns = new TreeSet<>(BY_TURN);
    private long servings;
    private int size;

    /** Queues a new task, or one that was just claimed, deferred or released, by its current state. */
    void add(MemoryTask task) {
        if (task.status().isTerminal()) {
            return;
        }
        RequestQueue queue = queues.get(task.request());
        if (queue == null) {
            queue = new RequestQueue(task.request());
            queues.put(task.request(), queue);
            turns.add(queue);
        }
        if (task.dueAt() == null) {
            queue.ready.addLast(task);
        } else {
            queue.timed.add(task);
        }
        size++;
    }

    /**
     * Takes a task whose lease is held out of the queue before its state changes. Ready tasks are
     * never held, so only the timed index is searched.
     */
    void remove(MemoryTask task) {
        RequestQueue queue = queues.get(task.request());
        if (queue != null && queue.timed.remove(task)) {
            size--;
            dropIfEmpty(queue);
        }
    }

    /**
     * Takes out up to {@code limit} tasks claimable at {@code now}, requests taking turns; within a
     * request, overdue retries and expired leases first (they have waited longest), then ready
     * tasks in creation order. The requests served go to the back of the turns, in the order they
     * were last served.
     */
    List<MemoryTask> takeDue(Instant now, int limit) {
        List<MemoryTask> due = new ArrayList<>(Math.min(limit, 64));
        Set<RequestQueue> served = new LinkedHashSet<>();
        List<RequestQueue> round = new ArrayList<>(turns);
        while (due.size() < limit && !round.isEmpty()) {
            List<RequestQueue> gave = new ArrayList<>();
            for (RequestQueue queue : round) {
                if (due.size() == limit) {
                    break;
                }
                MemoryTask task = queue.takeDue(now);
                if (task != null) {
                    due.add(task);
                    size--;
                    gave.add(queue);
                    served.remove(queue);
                    served.add(queue);
                }
            }
            round = gave;
        }
        turns.removeAll(served);
        for (RequestQueue queue : served) {
            queue.request.served(++servings);
            if (queue.isEmpty()) {
                queues.remove(queue.request);
            } else {
                turns.add(queue);
            }
        }
        return due;
    }

    /** {@return how many tasks are queued (for diagnostics and tests)} */
    int size() {
        return size;
    }

    /** Forgets every task. */
    void clear() {
        queues.clear();
        turns.clear();
        size = 0;
    }

    private void dropIfEmpty(RequestQueue queue) {
        if (queue.isEmpty()) {
            turns.remove(queue);
            queues.remove(queue.request);
        }
    }

    /**
     * The queued tasks of one request. The request's place in the turns is kept on the request
     * ({@link MemoryRequest#lastServed()}), so it survives the queue being emptied and made anew.
     */
    private static final class RequestQueue {
        private final MemoryRequest request;
        private final Deque<MemoryTask> ready = new ArrayDeque<>();
        private final NavigableSet<MemoryTask> timed = new TreeSet<>(BY_DUE_TIME);

        RequestQueue(MemoryRequest request) {
            this.request = request;
        }

        /** {@return the task to claim now, taken out, or {@code null} if none is due} */
        MemoryTask takeDue(Instant now) {
            if (!timed.isEmpty() && !timed.first().dueAt().isAfter(now)) {
                return timed.pollFirst();
            }
            return ready.pollFirst();
        }

        boolean isEmpty() {
            return ready.isEmpty() && timed.isEmpty();
        }
    }
}
