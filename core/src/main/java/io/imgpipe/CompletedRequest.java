package io.imgpipe;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A request that has just finished, as given to {@link CompletionListener}s.
 *
 * @param requestId the request's id
 * @param status {@code completed} if every image completed, else {@code failed}
 * @param createdAt when it was submitted
 * @param finishedAt when it finished
 * @param progress final image counts
 * @param metadata the attributes given at submission (for example a webhook URL)
 */
public record CompletedRequest(String requestId, Status status, Instant createdAt, Instant finishedAt,
        Progress progress, Map<String, String> metadata) {

    /** Copies the metadata and checks required parts are present. */
    public CompletedRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(progress, "progress");
        metadata = Map.copyOf(metadata);
    }
}
