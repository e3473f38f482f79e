package io.imgpipe;

import java.net.URI;
import java.util.Objects;

/**
 * The status of one image of a product.
 *
 * @param url the source URL
 * @param status the image's status
 * @param outputUrl where the compressed image can be downloaded once {@code completed}, else
 *     {@code null}; made by the object store when the status is read (so presigned URLs are fresh)
 * @param error why the last attempt failed (while a retry is pending, or once {@code failed}),
 *     else {@code null}
 * @param attempts how many times it has been tried (a try that died with its worker does not count)
 * @param sourceBytes the size of the downloaded source once {@code completed}, else 0
 * @param outputBytes the size of the compressed output once {@code completed}, else 0
 * @param width the output's width in pixels once {@code completed}, else 0
 * @param height the output's height in pixels once {@code completed}, else 0
 */
public record ImageStatus(URI url, Status status, URI outputUrl, String error, int attempts, long sourceBytes,
        long outputBytes, int width, int height) {

    /** Checks required parts are present. */
    public ImageStatus {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(status, "status");
    }
}
