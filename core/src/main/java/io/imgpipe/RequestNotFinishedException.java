package io.imgpipe;

/**
 * An operation that needs a finished request (deleting it) was asked of one that still has
 * images pending or in progress. Try again once the request has finished.
 */
public class RequestNotFinishedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String requestId;

    /**
     * Creates the exception.
     *
     * @param requestId the request
     * @param message what was refused and why
     */
    public RequestNotFinishedException(String requestId, String message) {
        super(message);
        this.requestId = requestId;
    }

    /** {@return the request that is not finished} */
    public String requestId() {
        return requestId;
    }
}
