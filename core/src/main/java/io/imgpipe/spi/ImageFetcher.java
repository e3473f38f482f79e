package io.imgpipe.spi;

import io.imgpipe.FetchException;
import java.net.URI;

/**
 * Downloads source images from untrusted URLs.
 *
 * <p>Implementations enforce their own limits (timeouts, a byte cap, redirects) and an address
 * policy, and classify every failure as a {@link FetchException} whose
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

    /** Releases connections and threads. The default does nothing. */
    @Override
    default void close() {
    }
}
