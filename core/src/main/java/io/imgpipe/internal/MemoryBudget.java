package io.imgpipe.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The bytes the engine lets its tasks hold in the heap at once: downloaded bodies, and what the
 * compressor needs while it runs. Waiters are served first come, first served, so a large request
 * is not overtaken for ever by small ones, and {@link #tryAcquire} never jumps the queue; except
 * that {@link #acquireAhead} (a task that holds its body and needs working memory to finish, which
 * will then free it all) goes before every {@link #acquire}.
 *
 * <p>Callers never wait without a bound while holding part of the budget (after a bounded wait
 * they give it back, or spill what they hold to disk), so waits always end: whatever is held
 * belongs to a task that is running or about to let go. Thread-safe.
 */
public final class MemoryBudget {

    private final long capacity;
    private final Deque<Object> ahead = new ArrayDeque<>();
    private final Deque<Object> queue = new ArrayDeque<>();
    private long inUse;

    /**
     * Creates a {@code MemoryBudget}.
     *
     * @param capacity the most bytes held at once; at least 1
     */
    public MemoryBudget(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
    }

    /** {@return the most bytes held at once} */
    public long capacity() {
        return capacity;
    }

    /**
     * Takes {@code bytes} if they fit now and nobody is waiting.
     *
     * @param bytes at least 0
     * @return whether they were taken
     */
    public synchronized boolean tryAcquire(long bytes) {
        requireValid(bytes);
        if (queue.isEmpty() && ahead.isEmpty() && fits(bytes)) {
            inUse += bytes;
            return true;
        }
        return false;
    }

    /**
     * Waits for its turn and for {@code bytes} to fit, then takes them.
     *
     * @param bytes at most {@link #capacity()}
     * @param deadlineNanos a {@link System#nanoTime()} value after which to give up
     * @return whether they were taken ({@code false}: the deadline passed first)
     * @throws InterruptedException if interrupted while waiting (nothing is taken)
     * @throws IllegalArgumentException if {@code bytes} is negative or more than the capacity
     */
    public boolean acquire(long bytes, long deadlineNanos) throws InterruptedException {
        return acquire(bytes, queue, true, deadlineNanos);
    }

    /**
     * Waits, with no deadline, for its turn and for {@code bytes} to fit, then takes them.
     *
     * @param bytes at most {@link #capacity()}
     * @throws InterruptedException if interrupted while waiting (nothing is taken)
     * @throws IllegalArgumentException if {@code bytes} is negative or more than the capacity
     */
    public void acquire(long bytes) throws InterruptedException {
        acquire(bytes, queue, false, 0);
    }

    /**
     * Like {@link #acquire(long, long)}, but served before every waiter of {@link #acquire}: for a
     * task that already holds part of the budget and needs a little more to finish.
     *
     * @param bytes at most {@link #capacity()}
     * @param deadlineNanos a {@link System#nanoTime()} value after which to give up
     * @return whether they were taken
     * @throws InterruptedException if interrupted while waiting (nothing is taken)
     */
    public boolean acquireAhead(long bytes, long deadlineNanos) throws InterruptedException {
        return acquire(bytes, ahead, true, deadlineNanos);
    }

    private synchronized boolean acquire(long bytes, Deque<Object> line, boolean timed, long deadlineNanos)
            throws InterruptedException {
        requireValid(bytes);
        if (bytes > capacity) {
            throw new IllegalArgumentException(bytes + " bytes can never fit in a budget of " + capacity);
        }
        if (ahead.isEmpty() && (line == ahead || queue.isEmpty()) && fits(bytes)) {
            inUse += bytes;
            return true;
        }
        Object ticket = new Object();
        line.addLast(ticket);
        try {
            while (!isTurn(ticket, line) || !fits(bytes)) {
                if (!timed) {
                    wait();
                    continue;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000), 0);
            }
            inUse += bytes;
            return true;
        } finally {
            line.remove(ticket);
            notifyAll();
        }
    }

    private boolean isTurn(Object ticket, Deque<Object> line) {
        return line == ahead ? ahead.peekFirst() == ticket : ahead.isEmpty() && queue.peekFirst() == ticket;
    }

    /**
     * Takes {@code bytes} at once, even beyond the capacity: for memory already allocated (what a
     * fetcher that does not reserve returned, a compressed output).
     *
     * @param bytes at least 0
     */
    public synchronized void force(long bytes) {
        requireValid(bytes);
        inUse += bytes;
    }

    /**
     * Gives memory back and wakes waiting acquirers.
     *
     * @param bytes what an acquire or force took, or part of it
     */
    public synchronized void release(long bytes) {
        requireValid(bytes);
        if (bytes > inUse) {
            throw new IllegalStateException("releasing " + bytes + " bytes, but only " + inUse + " are held");
        }
        inUse -= bytes;
        notifyAll();
    }

    /** {@return the bytes held now} */
    public synchronized long inUse() {
        return inUse;
    }

    /** {@return how many callers are waiting} */
    public synchronized int waiting() {
        return queue.size() + ahead.size();
    }

    private boolean fits(long bytes) {
        return inUse + bytes <= capacity;
    }

    private static void requireValid(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative: " + bytes);
        }
    }
}
