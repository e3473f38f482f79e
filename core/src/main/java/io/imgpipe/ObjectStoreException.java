package io.imgpipe;

import java.time.Duration;

/**
 * An object store operation failed. The message names the store location (bucket or root
 * directory) and the key. Retryable for throttling, 5xx answers and timeouts; not for access
 * denied, a missing bucket or an invalid key.
 */
public class ObjectStoreException extends ImgPipeException {

    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * Creates the exception.
     *
     * @param key the object key concerned, or {@code null} for store-wide failures
     * @param message what went wrong, naming the bucket or root and the key
     * @param cause the SDK's or the file system's exception, or {@code null}
     * @param retryable whether a later attempt may succeed
     */
    public ObjectStoreException(String key, String message, Throwable cause, boolean retryable) {
        this(key, message, cause, retryable, null);
    }

    /**
     * Creates the exception.
     *
     * @param key the object key concerned, or {@code null} for store-wide failures
     * @param message what went wrong, naming the bucket or root and the key
     * @param cause the SDK's or the file system's exception, or {@code null}
     * @param retryable whether a later attempt may succeed
     * @param retryAfter how long the store asked us to wait, or {@code null}
     */
    public ObjectStoreException(String key, String message, Throwable cause, boolean retryable, Duration retryAfter) {
        super(message, cause, retryable, retryAfter);
        this.key = key;
    }

    /**
     * {@return the object key concerned, as the caller gave it to the store (without any prefix
     *     the store adds; the message names the full location), or {@code null} for store-wide failures}
     */
    public String key() {
        return key;
    }
}
