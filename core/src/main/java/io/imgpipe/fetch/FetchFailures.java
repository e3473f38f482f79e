package io.imgpipe.fetch;

import io.imgpipe.FetchException;
import io.imgpipe.FetchException.Reason;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;

/**
 * Turns what went wrong in a fetch into a {@link FetchException} with its {@link Reason}: an HTTP
 * status that is neither success nor a followed redirect, an I/O failure, or a refusal found by
 * the fetcher itself. Every message ends with the hop it came from (when a redirect was followed)
 * and the classification, such as {@code [TIMEOUT, transient]}. Stateless.
 */
final class FetchFailures {

    private FetchFailures() {
    }

    /**
     * A failure of one hop.
     *
     * @param original the URL asked for
     * @param uri the hop that failed
     * @param reason the classification
     * @param status the HTTP status, or {@code -1} without a response
     * @param detail what went wrong
     * @param cause the underlying exception, or {@code null}
     * @param retryAfter the server's {@code Retry-After}, or {@code null}
     * @return the exception, to throw
     */
    static FetchException failure(URI original, URI uri, Reason reason, int status, String detail, Throwable cause,
            Duration retryAfter) {
        String from = original.equals(uri) ? "" : " (redirected from " + original + ")";
        return new FetchException(uri, reason, status, detail + from + classification(reason), cause, retryAfter);
    }

    /**
     * Classifies an answer that is neither a success nor a followed redirect: 408, 429 and 5xx are
     * transient (with the server's {@code Retry-After}), other 3xx are redirects that cannot be
     * followed, and the rest (404, 410, other 4xx) permanent.
     *
     * @param original the URL asked for
     * @param uri the hop that answered
     * @param status the HTTP status
     * @param reasonPhrase the status line's reason phrase, or {@code null}
     * @param retryAfter the {@code Retry-After} header, or {@code null}
     * @param now the current time, for a {@code Retry-After} date
     * @return the exception, to throw
     */
    static FetchException ofStatus(URI original, URI uri, int status, String reasonPhrase, String retryAfter,
            Instant now) {
        String statusText = "HTTP " + status + (reasonPhrase == null || reasonPhrase.isBlank() ? "" : " " + reasonPhrase.trim());
        if (status >= 300 && status < 400) {
            return failure(original, uri, Reason.BAD_REDIRECT, status, statusText + " is not a redirect that can be followed",
                    null, null);
        }
        if (status == 408 || status == 429 || status >= 500) {
            Duration delay = RetryAfter.parse(retryAfter, now);
            String detail = delay == null ? statusText : statusText + ", Retry-After " + delay.toSeconds() + "s";
            return failure(original, uri, Reason.SERVER_BUSY_OR_ERROR, status, detail, null, delay);
        }
        return failure(original, uri, Reason.NOT_FOUND_OR_CLIENT_ERROR, status, statusText, null, null);
    }

    /**
     * Classifies an I/O failure without a usable answer: a refused address is permanent; connect,
     * socket and DNS timeouts are {@link Reason#TIMEOUT}; unknown hosts, TLS and other connection
     * failures are {@link Reason#CONNECTION}.
     *
     * @param original the URL asked for
     * @param uri the hop that failed
     * @param e the failure
     * @param connectTimeout the connect timeout, named in the message when it was exceeded
     * @return the exception, to throw
     */
    static FetchException ofIOException(URI original, URI uri, IOException e, Duration connectTimeout) {
        AddressRefusedException refused = causeOfType(e, AddressRefusedException.class);
        if (refused != null) {
            return failure(original, uri, Reason.ADDRESS_REFUSED, -1, refused.getMessage(), e, null);
        }
        if (causeOfType(e, ConnectTimeoutException.class) != null) {
            return failure(original, uri, Reason.TIMEOUT, -1,
                    "connect timeout of " + connectTimeout.toMillis() + " ms exceeded", e, null);
        }
        if (causeOfType(e, InterruptedIOException.class) != null) {
            return failure(original, uri, Reason.TIMEOUT, -1, "timed out: " + messageOf(e), e, null);
        }
        DnsTimeoutException dnsTimeout = causeOfType(e, DnsTimeoutException.class);
        if (dnsTimeout != null) {
            return failure(original, uri, Reason.TIMEOUT, -1, "cannot resolve host in time: " + dnsTimeout.getMessage(), e,
                    null);
        }
        if (causeOfType(e, UnknownHostException.class) != null) {
            return failure(original, uri, Reason.CONNECTION, -1, "cannot resolve host: " + messageOf(e), e, null);
        }
        if (causeOfType(e, SSLException.class) != null) {
            return failure(original, uri, Reason.CONNECTION, -1, "TLS failure: " + messageOf(e), e, null);
        }
        return failure(original, uri, Reason.CONNECTION, -1, "connection failed: " + messageOf(e), e, null);
    }

    /**
     * The classification suffix of a message.
     *
     * @param reason the classification
     * @return such as {@code " [TIMEOUT, transient]"}
     */
    static String classification(Reason reason) {
        return " [" + reason + ", " + (reason.retryable() ? "transient" : "permanent") + "]";
    }

    private static String messageOf(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static <T extends Throwable> T causeOfType(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
