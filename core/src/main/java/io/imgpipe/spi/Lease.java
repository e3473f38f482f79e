package io.imgpipe.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * Proof that a worker holds a task. Every write about the task passes the lease back, and the
 * repository applies it only if the task is still held under this exact {@link #token()}: a
 * worker whose lease expired and was taken over cannot overwrite the new holder's result.
 *
 * @param requestId the task's request
 * @param taskId the task
 * @param owner the claiming worker's id (for diagnostics)
 * @param token unique per claim
 * @param expiresAt when other workers may take the task over
 */
public record Lease(String requestId, String taskId, String owner, String token, Instant expiresAt) {

    /** Checks required parts are present. */
    public Lease {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /**
     * {@return this lease with another expiry, as after a successful {@link ProductRepository#renew}}
     *
     * @param newExpiry the new expiry
     */
    public Lease withExpiresAt(Instant newExpiry) {
        return new Lease(requestId, taskId, owner, token, newExpiry);
    }
}
