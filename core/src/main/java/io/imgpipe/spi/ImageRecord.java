package io.imgpipe.spi;

import io.imgpipe.Status;
import java.net.URI;
import java.util.Objects;

/**
 * A stored image with the state of the task that produces it.
 *
 * @param position the 1-based position within the product's cell
 * @param url the source URL
 * @param taskId the task that produces it
 * @param status the task's status
 * @param outputKey the object key of the output once {@code completed}, else {@code null}
 * @param outputUrl the output URL recorded at completion, else {@code null}
 * @param error the last error (kept while a retry is pending, and when {@code failed}), else {@code null}
 * @param attempts how many times the task has been claimed
 */
public record ImageRecord(int position, URI url, String taskId, Status status, String outputKey, URI outputUrl,
        String error, int attempts) {

    /** Checks required parts are present. */
    public ImageRecord {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(status, "status");
    }
}
