package io.imgpipe;

/**
 * A product repository operation failed: the database is unreachable, timed out, or refused a
 * write. Retryable when the database may recover (network, timeout, primary election).
 */
public class RepositoryException extends ImgPipeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was being done and for which request or task
     * @param cause the driver's exception, or {@code null}
     * @param retryable whether a later attempt may succeed
     */
    public RepositoryException(String message, Throwable cause, boolean retryable) {
        super(message, cause, retryable);
    }
}
