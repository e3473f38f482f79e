package io.imgpipe.csv;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.InputStream;

/**
 * A valid product CSV generated row by row as it is read, never held whole: a CRLF header, then
 * rows {@code n,Product n,"https://img.example.com/p/n/front.jpg, https://img.example.com/p/n/back.jpg"}.
 * Counts the bytes it serves.
 */
final class GeneratedCsvInputStream extends InputStream {

    private static final byte[] HEADER = (CsvFixtures.HEADER + "\r\n").getBytes(UTF_8);

    private final long rows;
    private long nextRow;
    private byte[] chunk = HEADER;
    private int position;
    private long served;

    /** @param rows the number of data rows; {@link Long#MAX_VALUE} for a stream that does not end */
    GeneratedCsvInputStream(long rows) {
        this.rows = rows;
    }

    /** @return the data row {@code n} with its CRLF */
    static String row(long n) {
        return n + ",Product " + n + ",\"" + frontUrl(n) + ", " + backUrl(n) + "\"\r\n";
    }

    static String frontUrl(long n) {
        return "https://img.example.com/p/" + n + "/front.jpg";
    }

    static String backUrl(long n) {
        return "https://img.example.com/p/" + n + "/back.jpg";
    }

    /** @return the bytes served so far */
    long served() {
        return served;
    }

    @Override
    public int read() {
        if (!ensureChunk()) {
            return -1;
        }
        served++;
        return chunk[position++] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (!ensureChunk()) {
            return -1;
        }
        int n = Math.min(length, chunk.length - position);
        System.arraycopy(chunk, position, buffer, offset, n);
        position += n;
        served += n;
        return n;
    }

    private boolean ensureChunk() {
        if (position < chunk.length) {
            return true;
        }
        if (nextRow >= rows) {
            return false;
        }
        nextRow++;
        chunk = row(nextRow).getBytes(UTF_8);
        position = 0;
        return true;
    }
}
