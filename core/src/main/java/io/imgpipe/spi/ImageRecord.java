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
 * @param attempts how many tries the task has had: those that ended with a recorded outcome, plus
 *     the one in progress while it is {@code processing} (see {@link ClaimedTask#attempt()})
 * @param sourceBytes the size of the downloaded source once {@code completed}, else 0
 * @param outputBytes the size of the stored output once {@code completed}, else 0
 * @param width the output's width in pixels once {@code completed}, else 0
 * @param height the output's height in pixels once {@code completed}, else 0
 */
public record ImageRecord(int position, URI url, String taskId, Status status, String outputKey, URI outputUrl,
        String error, int attempts, long sourceBytes, long outputBytes, int width, int height) {

    /** Checks required parts are present. */
    public ImageRecord {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(status, "status");
    }
}
