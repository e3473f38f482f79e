package io.imgpipe.image;

import io.imgpipe.CompressionException;
import io.imgpipe.ConfigurationException;
import java.util.Objects;

/**
 * Reads an image's format, dimensions and (for JPEGs) EXIF orientation from its header, decoding
 * no pixel, and refuses images with more pixels than a limit. This is how a decompression bomb
 * (a few kilobytes declaring 30000x30000 pixels) is turned away before any memory is spent on it.
 *
 * <p>The format is recognised from the bytes, not from a name or a content type, by the
 * registered ImageIO readers: JPEG (including CMYK and YCCK) and WebP through TwelveMonkeys; PNG,
 * GIF, BMP and TIFF through the JDK. Other formats ImageIO may know (WBMP, lossless JPEG) are
 * refused.
 *
 * <p>Immutable and thread-safe.
 */
final class ImageProbe {

    private final long maxPixels;

    /** A probe with the default limit of {@link CompressorConfig#DEFAULTS}. */
    public ImageProbe() {
        this(CompressorConfig.DEFAULTS.maxPixels());
    }

    /**
     * Creates an {@code ImageProbe}.
     *
     * @param maxPixels the largest width times height accepted
     * @throws ConfigurationException if {@code maxPixels} is not positive
     */
    public ImageProbe(long maxPixels) {
        if (maxPixels <= 0) {
            throw new ConfigurationException("ImageProbe.maxPixels must be positive, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    /** {@return the largest width times height accepted} */
    public long maxPixels() {
        return maxPixels;
    }

    /**
     * {@return format, stored dimensions and orientation}
     *
     * @param source the encoded image; not modified
     * @throws CompressionException if the bytes are empty, not a supported image, have an
     *     unreadable header, or declare more than {@link #maxPixels()} pixels
     */
    public ImageHeader probe(byte[] source) {
        Objects.requireNonNull(source, "source");
        try (SourceImage image = SourceImage.open(source)) {
            return accept(image.header());
        }
    }

    /**
     * {@return the header, if within the pixel limit}
     *
     * @param header a header just read
     * @throws CompressionException naming the dimensions and the limit, if not
     */
    ImageHeader accept(ImageHeader header) {
        if (header.pixels() > maxPixels) {
            throw new CompressionException(header.format() + " image of " + header.width() + "x" + header.height()
                    + " (" + header.pixels() + " pixels) is over the limit of " + maxPixels
                    + " pixels (CompressorConfig.maxPixels); it was not decoded");
        }
        return header;
    }
}
