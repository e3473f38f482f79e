package io.imgpipe.spi;

import java.util.Objects;

/**
 * An encoded output image.
 *
 * @param data the encoded bytes; not copied, so callers must not modify them
 * @param contentType the media type, for example {@code image/jpeg}
 * @param extension the file extension without a dot, for example {@code jpg}
 * @param width output width in pixels
 * @param height output height in pixels
 */
public record CompressedImage(byte[] data, String contentType, String extension, int width, int height) {

    /** Checks required parts are present. */
    public CompressedImage {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(extension, "extension");
    }
}
