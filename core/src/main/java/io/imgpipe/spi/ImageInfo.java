package io.imgpipe.spi;

import java.util.Objects;

/**
 * What an image's header says, read without decoding any pixel.
 *
 * @param format the format name, lower case ({@code jpeg}, {@code png}, {@code webp}, ...)
 * @param width width in pixels as stored (before EXIF orientation is applied)
 * @param height height in pixels as stored
 */
public record ImageInfo(String format, int width, int height) {

    /** Checks the dimensions are positive. */
    public ImageInfo {
        Objects.requireNonNull(format, "format");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("dimensions must be positive: " + width + "x" + height);
        }
    }

    /** @return width times height */
    public long pixels() {
        return (long) width * height;
    }
}
