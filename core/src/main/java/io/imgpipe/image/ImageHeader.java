package io.imgpipe.image;

import io.imgpipe.spi.ImageInfo;
import java.util.Objects;

/**
 * What {@link ImageProbe} read from an image's header, without decoding any pixel.
 *
 * @param format the format name, lower case ({@code jpeg}, {@code png}, {@code webp}, {@code gif},
 *     {@code bmp}, ...)
 * @param width width in pixels as stored (before the orientation is applied)
 * @param height height in pixels as stored
 * @param orientation the EXIF orientation of a JPEG (APP1), PNG ({@code eXIf}) or WebP
 *     ({@code EXIF} chunk); {@link ExifOrientation#NORMAL} for other formats and for files without one
 */
record ImageHeader(String format, int width, int height, ExifOrientation orientation) {

    /** Checks required parts are present and the dimensions positive. */
    public ImageHeader {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(orientation, "orientation");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("dimensions must be positive: " + width + "x" + height);
        }
    }

    /** {@return width times height} */
    public long pixels() {
        return (long) width * height;
    }

    /** {@return the width of the picture shown upright} */
    public int uprightWidth() {
        return orientation.swapsAxes() ? height : width;
    }

    /** {@return the height of the picture shown upright} */
    public int uprightHeight() {
        return orientation.swapsAxes() ? width : height;
    }

    /**
     * {@return format and stored dimensions, as the {@link io.imgpipe.spi.ImageCompressor} SPI reports them}
     */
    public ImageInfo toImageInfo() {
        return new ImageInfo(format, width, height);
    }
}
