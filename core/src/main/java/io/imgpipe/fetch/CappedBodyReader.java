package io.imgpipe.fetch;

import static io.imgpipe.fetch.FetchFailures.failure;

import io.imgpipe.FetchException;
import io.imgpipe.FetchException.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads one answer's body for the fetcher, capped and checked as it arrives: into a buffer that
 * grows as bytes come (so a server that declares a large body and trickles it holds memory only for
 * what it sent), never past the cap, and refused as soon as its first bytes show it is not an image
 * in a supported format. On every refusal it first aborts the exchange, so no further byte is read.
 * One instance per answer; not thread-safe.
 */
final class CappedBodyReader {

    private static final int INITIAL_BUFFER = 64 * 1024;
    private static final int FIRST_ALLOCATION = 1024 * 1024;
    /**
     * A body of declared length up to this size is read into one buffer of exactly that length
     * (its memory is reserved before reading anyway): growing from {@link #FIRST_ALLOCATION} cost
     * a multi-megabyte photo three or four copies, each a humongous allocation for the G1 collector.
     */
    private static final int DECLARED_FIRST_ALLOCATION = 16 * 1024 * 1024;

    private final URI original;
    private final URI uri;
    private final int status;
    private final Runnable abort;

    /**
     * A reader for one answer.
     *
     * @param original the URL asked for, for messages
     * @param uri the hop whose answer is read
     * @param status the answer's status, for messages
     * @param abort aborts the exchange (the connection is then not reused)
     */
    CappedBodyReader(URI original, URI uri, int status, Runnable abort) {
        this.original = original;
        this.uri = uri;
        this.status = status;
        this.abort = abort;
    }

    /**
     * Reads a body of known length, up to exactly that length, so no trimming copy is needed; the
     * buffer and its copy while growing are each at most the length, which a reservation of the
     * length covers.
     *
     * @param in the body
     * @param length its declared length, positive
     * @return the body, an array of exactly {@code length} bytes
     * @throws EOFException if the body ends early
     * @throws IOException if reading fails
     * @throws FetchException ({@link Reason#NOT_AN_IMAGE}) if its first bytes are not an image
     */
    byte[] readDeclared(InputStream in, int length) throws IOException {
        byte[] buffer = new byte[Math.min(DECLARED_FIRST_ALLOCATION, length)];
        int count = 0;
        boolean sniffed = false;
        while (count < length) {
            if (count == buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(Math.max(2L * buffer.length, INITIAL_BUFFER), length));
            }
            int read = in.read(buffer, count, buffer.length - count);
            if (read < 0) {
                throw new EOFException("body ended after " + count + " of its " + length + " bytes");
            }
            count += read;
            if (!sniffed && count >= Math.min(ImageFormat.SNIFF_LENGTH, length)) {
                requireImage(buffer, count);
                sniffed = true;
            }
        }
        return buffer;
    }

    /**
     * Reads a body of unknown length, up to {@code limit} bytes; the buffer and its copy while
     * growing (or trimming) are each at most {@code limit + 1} bytes, which a reservation of that
     * size covers.
     *
     * @param in the body
     * @param limit the most bytes accepted
     * @param limitedByBudget whether the limit is the memory budget's rather than the byte cap (said in the message)
     * @return the body
     * @throws IOException if reading fails
     * @throws FetchException ({@link Reason#TOO_LARGE}) past the limit, ({@link Reason#NOT_AN_IMAGE})
     *     if it is empty or its first bytes are not an image
     */
    byte[] readUndeclared(InputStream in, long limit, boolean limitedByBudget) throws IOException {
        int capacityLimit = (int) Math.min(limit + 1, FetcherConfig.MAX_BYTES_LIMIT);
        byte[] buffer = new byte[Math.min(FIRST_ALLOCATION, capacityLimit)];
        int count = 0;
        boolean sniffed = false;
        while (true) {
            if (count == buffer.length) {
                if (buffer.length >= capacityLimit) {
                    throw tooLarge(limit, limitedByBudget);
                }
                buffer = Arrays.copyOf(buffer, (int) Math.min(Math.max(2L * buffer.length, INITIAL_BUFFER), capacityLimit));
            }
            int read = in.read(buffer, count, buffer.length - count);
            if (read < 0) {
                break;
            }
            count += read;
            if (count > limit) {
                throw tooLarge(limit, limitedByBudget);
            }
            if (!sniffed && count >= ImageFormat.SNIFF_LENGTH) {
                requireImage(buffer, count);
                sniffed = true;
            }
        }
        if (!sniffed) {
            requireImage(buffer, count);
        }
        return count == buffer.length ? buffer : Arrays.copyOf(buffer, count);
    }

    /**
     * Refuses a body whose first bytes are not an image in a supported format.
     *
     * @param head the body's first bytes
     * @param length how many of them there are
     * @throws FetchException ({@link Reason#NOT_AN_IMAGE}) if the body is empty or not an image
     */
    void requireImage(byte[] head, int length) {
        if (length == 0) {
            abort.run();
            throw failure(original, uri, Reason.NOT_AN_IMAGE, status, "body is empty, not an image", null, null);
        }
        Optional<ImageFormat> format = ImageFormat.sniff(head, length);
        if (format.isEmpty()) {
            abort.run();
            throw failure(original, uri, Reason.NOT_AN_IMAGE, status,
                    "body is " + ImageFormat.describeUnsupported(head, Math.min(length, ImageFormat.SNIFF_LENGTH)), null, null);
        }
    }

    private FetchException tooLarge(long limit, boolean byBudget) {
        abort.run();
        return failure(original, uri, Reason.TOO_LARGE, status, "body exceeds the limit of " + limit + " bytes"
                + (byBudget ? " that the engine's memory budget allows a body sent without Content-Length" : ""), null, null);
    }
}
