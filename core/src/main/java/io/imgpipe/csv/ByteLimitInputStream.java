package io.imgpipe.csv;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Passes through at most {@code limit} bytes of a source stream and fails with a
 * {@link ByteLimitExceededException} as soon as the source proves to hold more: it never reads
 * more than {@code limit + 1} bytes from the source. {@link #close()} does not close the source,
 * which belongs to the caller. Not thread-safe.
 */
final class ByteLimitInputStream extends InputStream {

    private final InputStream source;
    private final long limit;
    private long count;

    /**
     * Creates a {@code ByteLimitInputStream}.
     *
     * @param source the stream to read; not closed by this one
     * @param limit the most bytes allowed; positive
     */
    ByteLimitInputStream(InputStream source, long limit) {
        this.source = Objects.requireNonNull(source, "source");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        if (count >= limit) {
            return failIfMoreBytes();
        }
        int b = source.read();
        if (b >= 0) {
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length == 0) {
            return 0;
        }
        if (count >= limit) {
            return failIfMoreBytes();
        }
        int n = source.read(buffer, offset, (int) Math.min(length, limit - count));
        if (n > 0) {
            count += n;
        }
        return n;
    }

    /** {@return the number of bytes passed through so far} */
    long count() {
        return count;
    }

    /** Does not close the source. */
    @Override
    public void close() {
        // the source belongs to the caller
    }

    private int failIfMoreBytes() throws IOException {
        if (source.read() < 0) {
            return -1;
        }
        throw new ByteLimitExceededException(limit);
    }
}
