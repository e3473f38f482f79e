package io.imgpipe.spi;

import java.util.Objects;

/**
 * What an image's header says, read without decoding any pixel, and what compressing it will
 * cost in memory.
 *
 * @param format the format name, lower case ({@code jpeg}, {@code png}, {@code webp}, ...)
 * @param width width in pixels as stored (before EXIF orientation is applied)
 * @param height height in pixels as stored
 * @param workingBytes the compressor's estimate of the heap it needs to compress this image
 *     (decoded pixels or DCT coefficients, and its buffers), which the engine reserves from its
 *     memory budget before compressing; at least 1
 */
public record ImageInfo(String format, int width, int height, long workingBytes) {

    /** Bytes per pixel assumed by {@link #ImageInfo(String, int, int)}: one 8-bit ARGB raster. */
    public static final int DEFAULT_BYTES_PER_PIXEL = 4;

    /** Checks the dimensions and the estimate are positive. */
    public ImageInfo {
        Objects.requireNonNull(format, "format");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("dimensions must be positive: " + width + "x" + height);
        }
        if (workingBytes < 1) {
            throw new IllegalArgumentException("workingBytes must be at least 1: " + workingBytes);
        }
    }

    /**
     * An image whose working memory is estimated as one ARGB raster of its size
     * ({@value #DEFAULT_BYTES_PER_PIXEL} bytes per pixel).
     *
     * @param format the format name, lower case
     * @param width width in pixels as stored
     * @param height height in pixels as stored
     */
    public ImageInfo(String format, int width, int height) {
        this(format, width, height, Math.max(1, (long) width * height * DEFAULT_BYTES_PER_PIXEL));
    }

    /** {@return width times height} */
    public long pixels() {
        return (long) width * height;
    }
}
