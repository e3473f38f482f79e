package io.imgpipe.csv;

import java.util.Optional;

/** The columns the ingestor reads, with their header names as the specification spells them. */
enum CsvColumn {
    SERIAL_NUMBER("S. No.", false),
    PRODUCT_NAME("Product Name", true),
    IMAGE_URLS("Input Image Urls", true);

    private final String headerName;
    private final boolean required;
    private final String normalizedName;

    CsvColumn(String headerName, boolean required) {
        this.headerName = headerName;
        this.required = required;
        this.normalizedName = normalize(headerName);
    }

    /** {@return the header name as the specification spells it, used in every problem} */
    String headerName() {
        return headerName;
    }

    /** {@return whether a file without this column is refused} */
    boolean required() {
        return required;
    }

    /**
     * {@return the column it names, ignoring case, surrounding spaces and runs of inner whitespace}
     *
     * @param headerCell a header cell as written in the file
     */
    static Optional<CsvColumn> matching(String headerCell) {
        String normalized = normalize(headerCell);
        for (CsvColumn column : values()) {
            if (column.normalizedName.equals(normalized)) {
                return Optional.of(column);
            }
        }
        return Optional.empty();
    }

    /**
     * {@return the text lower-cased, without surrounding whitespace, each inner run of whitespace
     *     (including no-break spaces) replaced by one space}
     *
     * @param text a header cell
     */
    static String normalize(String text) {
        StringBuilder normalized = new StringBuilder(text.length());
        boolean pendingSpace = false;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            if (isSpace(codePoint)) {
                pendingSpace = normalized.length() > 0;
            } else {
                if (pendingSpace) {
                    normalized.append(' ');
                    pendingSpace = false;
                }
                normalized.appendCodePoint(Character.toLowerCase(codePoint));
            }
        }
        return normalized.toString();
    }

    private static boolean isSpace(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint) || codePoint == '\uFEFF';
    }
}
