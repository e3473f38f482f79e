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
 * @param path how the output was produced: {@link CompressionPath#PIXELS} (decoded and encoded
 *     again) or {@link CompressionPath#TRANSCODED} (a JPEG recompressed in the DCT-coefficient domain)
 */
public record CompressedImage(byte[] data, String contentType, String extension, int width, int height,
        CompressionPath path) {

    /** Checks required parts are present. */
    public CompressedImage {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(path, "path");
    }

    /**
     * An output produced from decoded pixels ({@link CompressionPath#PIXELS}), the way every
     * compressor worked before {@link #path()} existed.
     *
     * @param data the encoded bytes; not copied
     * @param contentType the media type
     * @param extension the file extension without a dot
     * @param width output width in pixels
     * @param height output height in pixels
     */
    public CompressedImage(byte[] data, String contentType, String extension, int width, int height) {
        this(data, contentType, extension, width, height, CompressionPath.PIXELS);
    }
}
