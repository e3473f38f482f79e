package io.imgpipe.spi;

import java.net.URI;
import java.util.Objects;

/**
 * One unit of work: fetch a URL, compress it and store it under a key. A request has one task
 * per distinct source URL, so a URL repeated within a request is fetched and compressed once.
 *
 * @param taskId unique within the request; matches {@link ObjectKeys} segment rules
 * @param url the source URL
 * @param outputKey the object key the output is stored under; deterministic, so a retry
 *     overwrites rather than duplicates
 */
public record NewTask(String taskId, URI url, String outputKey) {

    /** Checks required parts are present. */
    public NewTask {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(url, "url");
        ObjectKeys.requireValid(outputKey);
    }
}
