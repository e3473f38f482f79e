package io.imgpipe;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * An image could not be fetched. The message names the URL. {@link #reason()} classifies the
 * failure; {@link #retryable()} follows from it (timeouts, connection errors, 5xx and 429 are
 * transient; 404/410, refused addresses, non-image bodies and oversized bodies are permanent).
 */
public class FetchException extends ImgPipeException {

    private static final long serialVersionUID = 1L;

    /** Why a fetch failed. */
    public enum Reason {
        /** The server answered 404 or 410, or another 4xx other than 408 and 429. Permanent. */
        NOT_FOUND_OR_CLIENT_ERROR(false),
        /** The server answered 5xx, 408 or 429. Transient. */
        SERVER_BUSY_OR_ERROR(true),
        /** Connect or total timeout. Transient. */
        TIMEOUT(true),
        /** Connection refused or reset, DNS failure, TLS failure mid-stream. Transient. */
        CONNECTION(true),
        /**
         * The URL, or an address it resolves or redirects to, is refused by the address policy, or
         * the URL is not one that is fetched (not absolute http(s), an ambiguous numeric host). Permanent.
         */
        ADDRESS_REFUSED(false),
        /**
         * Too many redirects, a redirect without a usable {@code Location}, or to a URL that is not
         * http(s), has user-info, or an ambiguous numeric host. Permanent.
         */
        BAD_REDIRECT(false),
        /** The body is larger than the configured byte cap. Permanent. */
        TOO_LARGE(false),
        /** The body is not an image in a supported format (HTML, text, an unknown format). Permanent. */
        NOT_AN_IMAGE(false);

        private final boolean retryable;

        Reason(boolean retryable) {
            this.retryable = retryable;
        }

        /** {@return whether failures for this reason are worth retrying} */
        public boolean retryable() {
            return retryable;
        }
    }

    private final URI url;
    private final Reason reason;
    private final int statusCode;

    /**
     * Creates the exception.
     *
     * @param url the URL that was asked for (or the redirect hop that failed)
     * @param reason the classification
     * @param statusCode the HTTP status, or {@code -1} if there was no response
     * @param message what went wrong; the URL is added in front
     * @param cause the underlying exception, or {@code null}
     * @param retryAfter the server's {@code Retry-After}, or {@code null}
     */
    public FetchException(URI url, Reason reason, int statusCode, String message, Throwable cause, Duration retryAfter) {
        super(url + ": " + message, cause, reason.retryable(), retryAfter);
        this.url = Objects.requireNonNull(url, "url");
        this.reason = reason;
        this.statusCode = statusCode;
    }

    /** {@return the URL that failed} */
    public URI url() {
        return url;
    }

    /** {@return why it failed} */
    public Reason reason() {
        return reason;
    }

    /** {@return the HTTP status code of the failing response, if there was one} */
    public OptionalInt statusCode() {
        return statusCode < 0 ? OptionalInt.empty() : OptionalInt.of(statusCode);
    }
}
