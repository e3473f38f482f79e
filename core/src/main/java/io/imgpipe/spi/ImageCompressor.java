package io.imgpipe.spi;

import io.imgpipe.CompressionException;

/**
 * Decodes a source image and encodes the output (JPEG for the default implementation).
 *
 * <p>{@link #probe(byte[])} reads only the header, so the engine can refuse an image over the
 * pixel limit, and reserve memory for the ones it accepts, before any pixel is decoded.
 *
 * <p>Implementations are thread-safe and CPU-bound; the engine bounds how many run at once.
 */
public interface ImageCompressor {

    /**
     * Reads format and dimensions from the header, decoding no pixel, and estimates the memory
     * {@link #compress} will need for this image on the path it will take
     * ({@link ImageInfo#workingBytes()}), which the engine reserves before compressing.
     *
     * @param source the encoded source image
     * @return what the header says
     * @throws CompressionException if the bytes are not a supported image, or the dimensions
     *     exceed the configured pixel limit
     */
    ImageInfo probe(byte[] source);

    /**
     * Re-encodes one image: decodes it and encodes the output, or, where an implementation can,
     * recompresses it without decoding pixels; {@link CompressedImage#path()} says which.
     *
     * @param source the encoded source image
     * @return the encoded output
     * @throws CompressionException if the image cannot be decoded or encoded, exceeds the pixel
     *     limit, or needs more memory than is available; never an unchecked exception of the
     *     decoder or an {@link OutOfMemoryError}
     */
    CompressedImage compress(byte[] source);

    /**
     * The file extension of the images {@link #compress} produces, used in output object keys
     * (which are fixed when a request is submitted, before any image is compressed).
     *
     * @return an extension without a dot; {@code jpg} by default
     */
    default String outputExtension() {
        return "jpg";
    }
}
