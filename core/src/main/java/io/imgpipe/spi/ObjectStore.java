package io.imgpipe.spi;

import io.imgpipe.ObjectStoreException;
import java.net.URI;
import java.util.Optional;

/**
 * Where output images are kept, and how their URLs are made.
 *
 * <p>Keys follow {@link ObjectKeys}; an invalid key is an {@link IllegalArgumentException}.
 * A put to an existing key replaces it (the engine's keys are deterministic, so a retry
 * overwrites rather than duplicates), and a reader sees either the old or the new object, never
 * a partial one. Failures are {@link ObjectStoreException}s naming the key, with
 * {@code retryable()} set when a later attempt may succeed.
 *
 * <p>Implementations are thread-safe. Whoever creates a store closes it; the engine closes only
 * stores it created itself.
 */
public interface ObjectStore extends AutoCloseable {

    /**
     * Stores an object, replacing any object under the same key.
     *
     * @param key where to store it
     * @param data the bytes
     * @param contentType the media type, for example {@code image/jpeg}
     * @throws ObjectStoreException if the store refused or failed
     */
    void put(String key, byte[] data, String contentType);

    /**
     * Reads an object back.
     *
     * @param key the object's key
     * @return its bytes, or empty if there is no object under that key
     * @throws ObjectStoreException if the store failed
     */
    Optional<byte[]> get(String key);

    /**
     * Deletes an object; deleting a missing key is not an error.
     *
     * @param key the object's key
     * @throws ObjectStoreException if the store failed
     */
    void delete(String key);

    /**
     * The URL a client uses to download the object. Called each time a status is read, so a
     * store that presigns URLs returns a fresh one. Does not check that the object exists.
     *
     * @param key the object's key
     * @return an absolute URL
     * @throws ObjectStoreException if the URL cannot be made (for example, presigning without credentials)
     */
    URI url(String key);

    /**
     * Checks the store is reachable and usable (for health checks).
     *
     * @throws ObjectStoreException if it is not
     */
    void ping();

    /** Releases clients this store created. The default does nothing. */
    @Override
    default void close() {
    }
}
