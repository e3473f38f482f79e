package io.imgpipe.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Decodes a UTF-8 byte stream strictly: a leading byte-order mark is dropped, and the first
 * malformed or truncated sequence fails with an {@link InvalidUtf8Exception} naming its line and
 * byte offset, after every character before it has been handed out. Counts line breaks (CR, LF
 * and CRLF) in what it hands out, so {@link #line()} is the line being read. Closing it closes
 * the source. Not thread-safe.
 */
final class StrictUtf8Reader extends Reader {

    private static final int BUFFER_SIZE = 8192;
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final InputStream source;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER_SIZE).flip();
    private final CharBuffer chars = CharBuffer.allocate(BUFFER_SIZE).flip();

    private long bytesRead;
    private boolean sourceEnded;
    private boolean decoderFlushed;
    private boolean byteOrderMarkChecked;
    private long invalidByteOffset = -1;
    private long lineBreaks;
    private char previous;

    /**
     * Creates a {@code StrictUtf8Reader}.
     *
     * @param source UTF-8 bytes, closed with this reader
     */
    StrictUtf8Reader(InputStream source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    @Override
    public int read(char[] target, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, target.length);
        if (length == 0) {
            return 0;
        }
        while (!chars.hasRemaining()) {
            if (!fill()) {
                return -1;
            }
            dropLeadingByteOrderMark();
        }
        int n = Math.min(length, chars.remaining());
        chars.get(target, offset, n);
        countLineBreaks(target, offset, n);
        return n;
    }

    /** {@return the 1-based line of the next character to be handed out} */
    long line() {
        return lineBreaks + 1;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }

    private boolean fill() throws IOException {
        chars.clear();
        while (chars.position() == 0) {
            if (invalidByteOffset >= 0) {
                chars.flip();
                throw new InvalidUtf8Exception(line(), invalidByteOffset);
            }
            if (decoderFlushed) {
                chars.flip();
                return false;
            }
            CoderResult result = decoder.decode(bytes, chars, sourceEnded);
            if (result.isError()) {
                invalidByteOffset = bytesRead - bytes.remaining();
            } else if (result.isUnderflow()) {
                if (sourceEnded) {
                    decoder.flush(chars);
                    decoderFlushed = true;
                } else {
                    readBytes();
                }
            }
        }
        chars.flip();
        return true;
    }

    private void readBytes() throws IOException {
        bytes.compact();
        int n = source.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) {
            sourceEnded = true;
        } else {
            bytes.position(bytes.position() + n);
            bytesRead += n;
        }
        bytes.flip();
    }

    private void dropLeadingByteOrderMark() {
        if (!byteOrderMarkChecked && chars.hasRemaining()) {
            byteOrderMarkChecked = true;
            if (chars.get(chars.position()) == BYTE_ORDER_MARK) {
                chars.get();
            }
        }
    }

    private void countLineBreaks(char[] text, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            char c = text[i];
            if (c == '\r' || c == '\n' && previous != '\r') {
                lineBreaks++;
            }
            previous = c;
        }
    }
}
