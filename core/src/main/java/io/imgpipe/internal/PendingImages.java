package io.imgpipe.internal;

import io.imgpipe.spi.ProductRepository;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the images waiting in the repository for a worker or a retry
 * ({@link ProductRepository#countPendingImages}) and keeps the count for a minimum interval, so that
 * frequent scrapes read the repository at most once per interval. Thread-safe.
 */
public final class PendingImages {

    private static final Logger log = LoggerFactory.getLogger(PendingImages.class);

    private final ProductRepository repository;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private long countedAt;
    private double count = Double.NaN;

    /**
     * Counts nothing until first asked.
     *
     * @param repository where requests are listed
     * @param interval how long a count is reused
     * @param nanoTime the time source ({@link System#nanoTime}, or a test's)
     */
    public PendingImages(ProductRepository repository, Duration interval, LongSupplier nanoTime) {
        this.repository = repository;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Returns the count, counting again if the last count is older than the interval.
     *
     * @return the images pending, as of at most one interval ago; the previous count (or
     *     {@code NaN} if there is none) when the repository fails
     */
    public synchronized double current() {
        long now = nanoTime.getAsLong();
        if (Double.isNaN(count) || now - countedAt >= intervalNanos) {
            try {
                count = countNow();
            } catch (RuntimeException e) {
                log.debug("counting pending images failed; reporting the previous count", e);
            }
            countedAt = now;
        }
        return count;
    }

    private long countNow() {
        return repository.countPendingImages();
    }
}
