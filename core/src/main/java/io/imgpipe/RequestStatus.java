package io.imgpipe;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The status of a request, as returned by {@link ProcessingEngine#status(String)}.
 *
 * @param requestId the request's id
 * @param status {@code pending} or {@code processing} until every image has finished; then
 *     {@code completed} if all completed, else {@code failed}
 * @param createdAt when it was submitted
 * @param finishedAt when it finished, or {@code null}
 * @param progress image counts by status
 * @param metadata the attributes given at submission
 * @param products the products, ordered by serial number
 */
public record RequestStatus(String requestId, Status status, Instant createdAt, Instant finishedAt, Progress progress,
        Map<String, String> metadata, List<ProductStatus> products) {

    /** Copies the collections and checks required parts are present. */
    public RequestStatus {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(progress, "progress");
        metadata = Map.copyOf(metadata);
        products = List.copyOf(products);
    }
}
