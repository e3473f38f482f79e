package io.imgpipe.spi;

import io.imgpipe.Progress;
import io.imgpipe.Status;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A stored request as a repository reports it.
 *
 * @param requestId the request's id
 * @param status {@code completed} or {@code failed} once the request has been
 *     {@linkplain ProductRepository#finishIfDone finished}; before that, derived from the
 *     images by {@link io.imgpipe.Status#of(io.imgpipe.Progress)} (so already {@code completed}
 *     or {@code failed} once every image has ended, even before it is finished)
 * @param createdAt when it was submitted
 * @param finishedAt when it was finished, or {@code null}
 * @param metadata the caller-supplied attributes given at submission
 * @param productCount the number of products
 * @param progress image counts by status
 */
public record RequestRecord(String requestId, Status status, Instant createdAt, Instant finishedAt,
        Map<String, String> metadata, int productCount, Progress progress) {

    /** Copies the metadata and checks required parts are present. */
    public RequestRecord {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(progress, "progress");
        metadata = Map.copyOf(metadata);
    }
}
