package io.imgpipe.internal;

import io.imgpipe.ImgPipeException;
import io.imgpipe.spi.BodyBudget;

/**
 * What one task holds of the engine's {@link MemoryBudget}, given back in one call when the task
 * is done with it. Lends itself to the fetcher as its {@link BodyBudget}. Used by one task on one
 * thread at a time.
 */
final class TaskMemory implements BodyBudget, AutoCloseable {

    private final MemoryBudget budget;
    private long held;
    private boolean bodyWaitTimedOut;

    TaskMemory(MemoryBudget budget) {
        this.budget = budget;
    }

    /** {@return half the budget: a body is counted twice (see {@link #reserve})} */
    @Override
    public long capacity() {
        return budget.capacity() / 2;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Takes twice {@code bytes} from the budget: the body, and a second copy of it, which the
     * fetcher may hold while growing its buffer and a decoder holds while reading the body
     * through an ImageIO stream (which keeps what it has read). A wait that reaches the deadline
     * is remembered ({@link #bodyWaitTimedOut()}): the fetch then failed for want of memory here,
     * not because of its host.
     *
     * @throws ImgPipeException (not retryable) naming {@code EngineConfig.memoryBudget} if
     *     {@code bytes} is more than {@link #capacity()}
     * @throws IllegalStateException if this task already holds memory (a fetch reserves once)
     */
    @Override
    public boolean reserve(long bytes, long deadlineNanos) throws InterruptedException {
        if (held != 0) {
            throw new IllegalStateException("a body's memory is reserved once, before anything else is held");
        }
        if (bytes > capacity()) {
            throw new ImgPipeException("a body of " + Bytes.describe(bytes) + " cannot fit in the engine's memory"
                    + " budget of " + Bytes.describe(budget.capacity()) + ", which counts a body twice (the decoder"
                    + " copies it); raise EngineConfig.memoryBudget (by default half the maximum heap, so raising -Xmx"
                    + " raises it)", null, false);
        }
        if (!budget.acquire(2 * bytes, deadlineNanos)) {
            bodyWaitTimedOut = true;
            return false;
        }
        held = 2 * bytes;
        return true;
    }

    /** {@return whether the fetcher's wait for the body's memory reached its deadline} */
    boolean bodyWaitTimedOut() {
        return bodyWaitTimedOut;
    }

    /**
     * Makes what is held match a body now in memory, counted twice: gives back what the fetcher
     * reserved beyond that, or charges what it did not reserve (a fetcher that ignores its budget).
     *
     * @param bodyBytes the body's length
     * @return what is held now: twice the body
     */
    long settleBody(long bodyBytes) {
        long target = 2 * bodyBytes;
        if (held > target) {
            budget.release(held - target);
        } else if (held < target) {
            budget.force(target - held);
        }
        held = target;
        return held;
    }

    /**
     * Takes {@code bytes} more, ahead of the tasks that hold nothing yet, waiting for them at most
     * until the deadline (so that a wait while holding memory is never endless).
     *
     * @param bytes more to hold
     * @param deadlineNanos a {@link System#nanoTime()} value after which to give up
     * @return whether they are held now
     * @throws InterruptedException if interrupted while waiting
     */
    boolean growBefore(long bytes, long deadlineNanos) throws InterruptedException {
        if (held + bytes > budget.capacity()) {
            return false;
        }
        if (budget.acquireAhead(bytes, deadlineNanos)) {
            held += bytes;
            return true;
        }
        return false;
    }

    /**
     * Waits, holding nothing, until {@code bytes} fit, and holds them.
     *
     * @param bytes at most the budget's capacity
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if anything is held
     */
    void acquire(long bytes) throws InterruptedException {
        if (held != 0) {
            throw new IllegalStateException("waiting while holding " + held + " bytes could wait for ever");
        }
        budget.acquire(bytes);
        held = bytes;
    }

    /**
     * Replaces what is held by {@code bytes} already allocated (a compressed output), without waiting.
     *
     * @param bytes the new holding
     */
    void replaceWith(long bytes) {
        release();
        budget.force(bytes);
        held = bytes;
    }

    /** Gives back everything held. */
    void release() {
        if (held > 0) {
            budget.release(held);
            held = 0;
        }
    }

    /** {@return the bytes held} */
    long held() {
        return held;
    }

    @Override
    public void close() {
        release();
    }
}
