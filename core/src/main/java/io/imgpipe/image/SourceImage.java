package io.imgpipe.image;

import io.imgpipe.CompressionException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One encoded source image opened with the ImageIO reader that recognises its bytes: the header
 * is read by {@link #header()}, the pixels only by {@link #decode(ImageHeader)}. Every failure becomes a
 * {@link CompressionException} saying why.
 *
 * <p>Not thread-safe: one instance per image and thread. {@link #close()} disposes the reader and
 * closes the in-memory stream.
 */
final class SourceImage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SourceImage.class);

    /**
     * The formats decoded. Others ImageIO knows (WBMP, which random bytes can pass for; lossless
     * JPEG) are refused: product photos do not come in them, and each decoder is attack surface.
     */
    static final Set<String> SUPPORTED_FORMATS = Set.of("jpeg", "png", "webp", "gif", "bmp", "tiff");

    static {
        ImageIO.setUseCache(false);
    }

    private final byte[] source;
    private final ImageInputStream stream;
    private final ImageReader reader;
    private final List<String> truncationWarnings = new ArrayList<>();

    private SourceImage(byte[] source, ImageInputStream stream, ImageReader reader) {
        this.source = source;
        this.stream = stream;
        this.reader = reader;
    }

    /**
     * Finds a reader for the bytes; reads nothing beyond the few bytes that identify the format.
     *
     * @param source the encoded image
     * @return the opened image, to be closed by the caller
     * @throws CompressionException if the bytes are empty or no reader recognises them
     */
    static SourceImage open(byte[] source) {
        if (source.length == 0) {
            throw new CompressionException("image is empty (0 bytes)");
        }
        ImageInputStream stream = new MemoryCacheImageInputStream(new ByteArrayInputStream(source));
        try {
            ImageReader reader = supportedReader(stream, source);
            reader.setInput(stream, false, true);
            return new SourceImage(source, stream, reader);
        } catch (RuntimeException e) {
            closeQuietly(stream);
            if (e instanceof CompressionException) {
                throw e;
            }
            throw new CompressionException("could not identify the image format: " + e, e);
        }
    }

    private static ImageReader supportedReader(ImageInputStream stream, byte[] source) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
        Set<String> unsupported = new TreeSet<>();
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            String format;
            try {
                format = normalizeFormat(reader.getFormatName());
            } catch (IOException e) {
                format = reader.getClass().getSimpleName();
            }
            if (SUPPORTED_FORMATS.contains(format)) {
                return reader;
            }
            reader.dispose();
            unsupported.add(format);
        }
        String recognised = unsupported.isEmpty() ? "" : " (it looks like " + String.join(" or ", unsupported) + ")";
        throw new CompressionException("not a supported image format" + recognised + ": " + source.length
                + " bytes starting with " + leadingBytes(source) + "; supported: "
                + String.join(", ", new TreeSet<>(SUPPORTED_FORMATS)));
    }

    /**
     * Reads format and dimensions from the header, and the EXIF orientation of a JPEG, PNG or
     * WebP; decodes no pixel.
     *
     * @return what the header says
     * @throws CompressionException if the header is unreadable or declares no pixel
     */
    ImageHeader header() {
        String format;
        int width;
        int height;
        try {
            format = normalizeFormat(reader.getFormatName());
            width = reader.getWidth(0);
            height = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            throw new CompressionException("could not read the " + formatOrUnknown() + " header: " + describe(e), e);
        }
        if (width <= 0 || height <= 0) {
            throw new CompressionException("the " + format + " header declares no pixels: " + width + "x" + height);
        }
        return new ImageHeader(format, width, height, orientation(format));
    }

    private ExifOrientation orientation(String format) {
        switch (format) {
            case "jpeg":
                return JpegExif.orientation(source);
            case "png":
                return ChunkedExif.png(source);
            case "webp":
                return ChunkedExif.webp(source);
            default:
                return ExifOrientation.NORMAL;
        }
    }

    /**
     * Decodes the first image into the reader's natural type (for a YCbCr JPEG or an RGB PNG a
     * {@code TYPE_3BYTE_BGR} image, which the JPEG writer takes as it is).
     *
     * @param header what the header said, for messages
     * @return the pixels
     * @throws CompressionException if the data is corrupt or truncated, the decoder fails, or
     *     there is not enough memory
     */
    BufferedImage decode(ImageHeader header) {
        reader.addIIOReadWarningListener(new TruncationListener());
        BufferedImage image;
        try {
            image = reader.read(0);
        } catch (OutOfMemoryError e) {
            throw new CompressionException("not enough memory to decode " + describe(header), e);
        } catch (IOException | RuntimeException e) {
            throw new CompressionException("could not decode " + describe(header) + ": " + describe(e), e);
        }
        if (!truncationWarnings.isEmpty()) {
            throw new CompressionException("truncated or corrupt " + describe(header) + ": "
                    + String.join("; ", truncationWarnings));
        }
        if (image == null) {
            throw new CompressionException("could not decode " + describe(header) + ": the reader returned no image");
        }
        return image;
    }

    @Override
    public void close() {
        try {
            reader.dispose();
        } finally {
            closeQuietly(stream);
        }
    }

    static String describe(ImageHeader header) {
        return header.format() + " image of " + header.width() + "x" + header.height();
    }

    private static String describe(Throwable e) {
        if (e instanceof EOFException || e.getCause() instanceof EOFException) {
            return "the data ends early (truncated file)";
        }
        String message = e.getMessage();
        String own = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
        Throwable cause = e.getCause();
        if (cause != null && cause != e && cause.getMessage() != null && !own.contains(cause.getMessage())) {
            return own + " (" + cause.getMessage() + ")";
        }
        return own;
    }

    private String formatOrUnknown() {
        try {
            return normalizeFormat(reader.getFormatName());
        } catch (IOException e) {
            return "image";
        }
    }

    private static String normalizeFormat(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "jpg":
                return "jpeg";
            case "tif":
                return "tiff";
            default:
                return lower;
        }
    }

    private static String leadingBytes(byte[] source) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, source.length); i++) {
            hex.append(String.format(Locale.ROOT, "%02x", source[i] & 0xFF));
        }
        return hex.toString();
    }

    private static void closeQuietly(ImageInputStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            LOG.debug("closing an in-memory image stream failed", e);
        }
    }

    /**
     * The JPEG decoder does not fail on a truncated file: it warns, fills the missing rows with
     * grey and returns. Those warnings are recorded (and the read aborted) so that the image is
     * refused rather than stored half grey; other warnings are only logged.
     */
    private final class TruncationListener implements IIOReadWarningListener {

        @Override
        public void warningOccurred(ImageReader source, String warning) {
            String lower = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
            if (lower.contains("premature end")) {
                truncationWarnings.add(warning);
                source.abort();
            } else {
                LOG.debug("image decoder warning: {}", warning);
            }
        }
    }
}
