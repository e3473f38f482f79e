package io.imgpipe.spi;

import java.net.URI;
import java.util.Objects;

/**
 * A task a worker has claimed.
 *
 * @param lease the lease to pass back with every write about this task
 * @param url the source URL
 * @param outputKey where to store the output
 * @param attempt how many times the task has now been claimed, this claim included (1 on the first)
 */
public record ClaimedTask(Lease lease, URI url, String outputKey, int attempt) {

    /** Checks required parts are present. */
    public ClaimedTask {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(outputKey, "outputKey");
    }
}
