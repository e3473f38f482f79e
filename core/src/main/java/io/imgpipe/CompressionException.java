package io.imgpipe;

/**
 * An image could not be decoded or encoded: a corrupt or truncated file, an unsupported format,
 * dimensions over the configured pixel limit, or not enough memory to decode it. The message
 * says which. Never retryable: the same bytes fail the same way.
 */
public class CompressionException extends ImgPipeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message why the image was refused
     */
    public CompressionException(String message) {
        super(message, null, false);
    }

    /**
     * Creates the exception.
     *
     * @param message why the image was refused
     * @param cause the decoder's or encoder's exception
     */
    public CompressionException(String message, Throwable cause) {
        super(message, cause, false);
    }
}
