package io.imgpipe.spi;

/**
 * The memory an {@link ImageFetcher} may hold for the body it downloads: it reserves the body's
 * size before it reads it, so that the engine's memory budget covers downloads as well as
 * decoding. Handed to {@link ImageFetcher#fetch(java.net.URI, BodyBudget)} for one fetch; what is
 * reserved stays reserved after the fetch, and the engine gives it back when it has done with
 * the body.
 *
 * <p>A reservation of {@code n} bytes lets the fetcher hold two arrays of up to {@code n} bytes at
 * once (a buffer and its grown or trimmed copy): the engine counts a body twice, because a decoder
 * reading it through an ImageIO stream also copies what it reads.
 *
 * <p>Reserve once, before reading the body, and hold nothing of it while waiting: a fetcher that
 * read part of a body and then waited for more could wait for ever on others doing the same.
 * Used by one fetch on one thread.
 */
public interface BodyBudget {

    /** No limit: every reservation succeeds at once. For fetches made outside an engine. */
    BodyBudget UNLIMITED = new BodyBudget() {
        @Override
        public long capacity() {
            return Long.MAX_VALUE;
        }

        @Override
        public boolean reserve(long bytes, long deadlineNanos) {
            return true;
        }
    };

    /** {@return the largest body that may ever be reserved; a larger body can never be held} */
    long capacity();

    /**
     * Reserves room for a body, waiting while the engine holds too much else.
     *
     * @param bytes the body's size, or the most it may be, at most {@link #capacity()}
     * @param deadlineNanos a {@link System#nanoTime()} value after which to stop waiting (the
     *     fetch's own deadline)
     * @return {@code true} once reserved; {@code false} if the deadline passed first
     * @throws InterruptedException if interrupted while waiting
     * @throws io.imgpipe.ImgPipeException (not retryable) if {@code bytes} is more than
     *     {@link #capacity()}, with a message that says which setting to raise
     */
    boolean reserve(long bytes, long deadlineNanos) throws InterruptedException;
}
