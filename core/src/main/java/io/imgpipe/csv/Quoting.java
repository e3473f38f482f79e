package io.imgpipe.csv;

/**
 * Quotes a value from the file in a problem message, cut to {@value #MAX_QUOTED_LENGTH}
 * characters so that a huge cell cannot make a huge message (messages reach the uploader and the
 * logs). Stateless.
 */
final class Quoting {

    /** The most characters of a value quoted. */
    static final int MAX_QUOTED_LENGTH = 200;

    private Quoting() {
    }

    /**
     * {@return {@code 'value'}, cut with {@code ...} after {@value #MAX_QUOTED_LENGTH} characters}
     *
     * @param value a value from the file
     */
    static String quote(String value) {
        return "'" + (value.length() > MAX_QUOTED_LENGTH ? value.substring(0, MAX_QUOTED_LENGTH) + "..." : value) + "'";
    }
}
