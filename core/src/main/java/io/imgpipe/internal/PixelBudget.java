package io.imgpipe.internal;

/**
 * Bounds the number of source pixels being decoded and encoded at once, so that many large
 * images in flight cannot exhaust the heap. An image larger than the whole budget is admitted
 * alone, once nothing else holds any of it. Waiters are admitted in no particular order.
 * Thread-safe.
 */
public final class PixelBudget {

    private final long capacity;
    private long inUse;

    /** @param capacity the most pixels in use at once; at least 1 */
    public PixelBudget(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Waits until {@code pixels} fit, then takes them.
     *
     * @param pixels the pixels wanted
     * @return the pixels actually taken, to pass to {@link #release(long)}
     * @throws InterruptedException if interrupted while waiting
     */
    public synchronized long acquire(long pixels) throws InterruptedException {
        long wanted = Math.min(Math.max(pixels, 1), capacity);
        while (inUse + wanted > capacity) {
            wait();
        }
        inUse += wanted;
        return wanted;
    }

    /** @param taken what {@link #acquire(long)} returned */
    public synchronized void release(long taken) {
        inUse -= taken;
        notifyAll();
    }

    /** @return the pixels currently taken */
    public synchronized long inUse() {
        return inUse;
    }
}
