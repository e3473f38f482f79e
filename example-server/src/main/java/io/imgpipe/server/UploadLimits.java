package io.imgpipe.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;

/**
 * What one server lets uploads take: where their bodies are spooled, how large they may be, how
 * long their bodies may take to arrive, and how many are read at once. The count is shared by
 * every upload of the server, so that slow uploads cannot take every HTTP thread. Thread-safe.
 */
final class UploadLimits {

    private final Path spoolDir;
    private final long maxBytes;
    private final Duration timeout;
    private final int maxConcurrent;
    private final Semaphore reading;

    /**
     * Limits shared by every upload of one server.
     *
     * @param spoolDir where upload bodies are spooled while they are read
     * @param maxBytes the largest CSV accepted
     * @param timeout the longest an upload's body may take to arrive
     * @param maxConcurrent the most uploads read at once
     */
    UploadLimits(Path spoolDir, long maxBytes, Duration timeout, int maxConcurrent) {
        this.spoolDir = Objects.requireNonNull(spoolDir, "spoolDir");
        this.maxBytes = maxBytes;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.maxConcurrent = maxConcurrent;
        this.reading = new Semaphore(maxConcurrent);
    }

    /** Where upload bodies are spooled while they are read. */
    Path spoolDir() {
        return spoolDir;
    }

    /** The largest CSV accepted, in bytes. */
    long maxBytes() {
        return maxBytes;
    }

    /** The longest an upload's body may take to arrive. */
    Duration timeout() {
        return timeout;
    }

    /** The most uploads read at once. */
    int maxConcurrent() {
        return maxConcurrent;
    }

    /**
     * Takes a slot to read one more upload, if one is free; release it with {@link #release()}.
     *
     * @return whether a slot was free (and is now taken)
     */
    boolean tryAcquire() {
        return reading.tryAcquire();
    }

    /** Frees a slot taken by {@link #tryAcquire()}. */
    void release() {
        reading.release();
    }
}
