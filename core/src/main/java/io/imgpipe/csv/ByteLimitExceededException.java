package io.imgpipe.csv;

import java.io.IOException;

/** Thrown by {@link ByteLimitInputStream} when the stream holds more bytes than allowed. */
final class ByteLimitExceededException extends IOException {

    private static final long serialVersionUID = 1L;

    private final long limit;

    /**
     * Creates the exception.
     *
     * @param limit the most bytes allowed
     */
    ByteLimitExceededException(long limit) {
        super("the stream holds more than " + limit + " bytes");
        this.limit = limit;
    }

    /** {@return the most bytes allowed} */
    long limit() {
        return limit;
    }
}
