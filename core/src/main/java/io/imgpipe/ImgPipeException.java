package io.imgpipe;

import java.time.Duration;
import java.util.Optional;

/**
 * Root of every exception imgpipe throws on purpose.
 *
 * <p>{@link #retryable()} tells the engine whether trying the same operation again later may
 * succeed (a timeout, a 503, throttling) or not (a 404, a corrupt image, a CSV error). Adapters
 * keep the driver's or SDK's exception as the {@linkplain #getCause() cause}.
 */
public class ImgPipeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;
    private final Duration retryAfter;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the URL, key, line or setting concerned
     * @param cause the underlying exception, or {@code null}
     * @param retryable whether a later attempt may succeed
     */
    public ImgPipeException(String message, Throwable cause, boolean retryable) {
        this(message, cause, retryable, null);
    }

    /**
     * Creates the exception.
     *
     * @param message what went wrong
     * @param cause the underlying exception, or {@code null}
     * @param retryable whether a later attempt may succeed
     * @param retryAfter the earliest sensible retry delay the remote side asked for
     *     (an HTTP {@code Retry-After}), or {@code null}
     */
    public ImgPipeException(String message, Throwable cause, boolean retryable, Duration retryAfter) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** {@return {@code true} if trying again later may succeed} */
    public boolean retryable() {
        return retryable;
    }

    /** {@return the delay the remote side asked for before a retry, if it asked} */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
