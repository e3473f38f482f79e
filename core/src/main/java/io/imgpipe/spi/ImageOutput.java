package io.imgpipe.spi;

import java.net.URI;
import java.util.Objects;

/**
 * What a worker stored for a task, recorded by {@link ProductRepository#complete}.
 *
 * @param url the output's URL as the object store gave it when it was stored
 * @param sourceBytes the size of the downloaded source image
 * @param outputBytes the size of the stored output image
 * @param width the output's width in pixels
 * @param height the output's height in pixels
 */
public record ImageOutput(URI url, long sourceBytes, long outputBytes, int width, int height) {

    /** Checks the URL is present and the sizes positive. */
    public ImageOutput {
        Objects.requireNonNull(url, "url");
        if (sourceBytes < 1 || outputBytes < 1 || width < 1 || height < 1) {
            throw new IllegalArgumentException("sizes must be positive: sourceBytes=" + sourceBytes + ", outputBytes="
                    + outputBytes + ", width=" + width + ", height=" + height);
        }
    }
}
