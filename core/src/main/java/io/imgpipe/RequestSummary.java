package io.imgpipe;

import io.imgpipe.spi.RequestCursor;
import java.time.Instant;
import java.util.Objects;

/**
 * A request without its products, as listed by {@link ProcessingEngine#listRequests}.
 *
 * @param requestId the request's id
 * @param status {@code pending} or {@code processing} until every image has ended; then
 *     {@code completed} if all completed, else {@code failed}
 * @param createdAt when it was submitted
 * @param finishedAt when it finished, or {@code null}
 * @param productCount the number of products
 * @param progress image counts by status
 */
public record RequestSummary(String requestId, Status status, Instant createdAt, Instant finishedAt, int productCount,
        Progress progress) {

    /** Checks required parts are present. */
    public RequestSummary {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(progress, "progress");
    }

    /**
     * {@return the position just after this request in the listing: pass it to
     *     {@link ProcessingEngine#listRequests} for the page that follows a page ending here}
     */
    public RequestCursor cursor() {
        return new RequestCursor(createdAt, requestId);
    }
}
