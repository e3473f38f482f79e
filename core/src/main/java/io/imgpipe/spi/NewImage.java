package io.imgpipe.spi;

import java.net.URI;
import java.util.Objects;

/**
 * One image of a product in a new request.
 *
 * @param position the 1-based position of the URL within the product's cell
 * @param url the source URL
 * @param taskId the {@link NewTask#taskId() task} that produces this image's output; images of
 *     the same request with the same URL share one task
 */
public record NewImage(int position, URI url, String taskId) {

    /** Checks required parts are present. */
    public NewImage {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(taskId, "taskId");
        if (position < 1) {
            throw new IllegalArgumentException("position must be at least 1: " + position);
        }
    }
}
