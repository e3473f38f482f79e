package io.imgpipe.spi;

import io.imgpipe.FetchException;
import java.net.URI;

/**
 * Downloads source images from untrusted URLs.
 *
 * <p>Implementations enforce their own limits (timeouts, a byte cap, redirects) and an address
 * policy, reserve each body's memory from the engine's {@link BodyBudget} before reading it, and
 * classify every failure as a {@link FetchException} whose
 * {@link FetchException#retryable()} tells the engine whether to retry.
 *
 * <p>Implementations are thread-safe. Whoever creates a fetcher closes it; the engine closes
 * only fetchers it created itself.
 */
public interface ImageFetcher extends AutoCloseable {

    /**
     * Downloads one image.
     *
     * @param url an absolute http or https URL
     * @return the body, within the configured byte cap
     * @throws FetchException on any failure, classified as transient or permanent
     */
    FetchedImage fetch(URI url);

    /**
     * Downloads one image, reserving the body's memory from {@code budget} before reading it. The
     * engine calls this form. The default ignores the budget and calls {@link #fetch(URI)}: the
     * engine then charges the body to its budget once it is in memory, so a fetcher that does
     * not override this can still exceed the heap with many large bodies at once.
     *
     * @param url an absolute http or https URL
     * @param budget where to reserve the body's memory before reading it
     * @return the body, within the configured byte cap and the budget's capacity
     * @throws FetchException on any failure, classified as transient or permanent; a body larger
     *     than the budget's capacity is a permanent failure
     */
    default FetchedImage fetch(URI url, BodyBudget budget) {
        return fetch(url);
    }

    /** Releases connections and threads. The default does nothing. */
    @Override
    default void close() {
    }
}
