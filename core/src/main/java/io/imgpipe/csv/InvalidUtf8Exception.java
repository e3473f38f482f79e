package io.imgpipe.csv;

import java.io.CharConversionException;

/** Thrown by {@link StrictUtf8Reader} at the first byte sequence that is not valid UTF-8. */
final class InvalidUtf8Exception extends CharConversionException {

    private static final long serialVersionUID = 1L;

    private final long line;
    private final long byteOffset;

    /**
     * Creates the exception.
     *
     * @param line the 1-based line the invalid bytes are on
     * @param byteOffset the 0-based offset of the first invalid byte in the stream
     */
    InvalidUtf8Exception(long line, long byteOffset) {
        super("invalid UTF-8 on line " + line + " at byte offset " + byteOffset);
        this.line = line;
        this.byteOffset = byteOffset;
    }

    /** {@return the 1-based line the invalid bytes are on} */
    long line() {
        return line;
    }

    /** {@return the 0-based offset of the first invalid byte in the stream} */
    long byteOffset() {
        return byteOffset;
    }
}
