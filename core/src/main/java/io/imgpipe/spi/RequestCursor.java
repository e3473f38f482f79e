package io.imgpipe.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A position in the list of requests, newest first, as {@link ProductRepository#listRequests}
 * pages through it: the requests listed after a cursor are those created before its
 * {@code createdAt}, or at the same instant with a smaller {@code requestId} (compared as
 * {@link String#compareTo} does). A cursor is a position, not a reference: it stays valid when
 * the request it was taken from is deleted.
 *
 * @param createdAt the creation time of the last request of the previous page
 * @param requestId that request's id
 */
public record RequestCursor(Instant createdAt, String requestId) {

    /** Checks both parts are present. */
    public RequestCursor {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(requestId, "requestId");
    }

    /**
     * {@return the cursor for the page after it}
     *
     * @param last the last record of a page
     */
    public static RequestCursor after(RequestRecord last) {
        return new RequestCursor(last.createdAt(), last.requestId());
    }

    /**
     * {@return {@code true} if the request comes after this cursor in the listing (is older, or
     *     as old with a smaller id)}
     *
     * @param record a request
     */
    public boolean precedes(RequestRecord record) {
        int byTime = record.createdAt().compareTo(createdAt);
        return byTime < 0 || byTime == 0 && record.requestId().compareTo(requestId) < 0;
    }
}
