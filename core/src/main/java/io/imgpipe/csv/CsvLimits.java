package io.imgpipe.csv;

import io.imgpipe.ConfigurationException;

/**
 * Limits on an uploaded CSV; exceeding one is a {@link io.imgpipe.CsvValidationException} that
 * names the limit and the line.
 *
 * @param maxBytes the most bytes in the file
 * @param maxRows the most data rows (header and blank lines not counted)
 * @param maxUrlsPerRow the most image URLs in one row's cell
 * @param maxUrlLength the most characters in one URL
 * @param maxUrls the most image URLs in the whole file. Every URL read is held until the file is
 *     validated and stored (a few hundred bytes each), so this bounds the heap a valid upload takes
 *     even when it fills every other limit
 */
public record CsvLimits(long maxBytes, int maxRows, int maxUrlsPerRow, int maxUrlLength, int maxUrls) {

    /** The default {@link #maxUrls()}. */
    public static final int DEFAULT_MAX_URLS = 500_000;

    /**
     * Default: 64 MiB, 200,000 rows, 50 URLs per row, 2,048 characters per URL, 500,000 URLs in
     * all (a review measured about 335 bytes of heap held per short URL, so about 170 MB at this
     * limit, while the file is read and stored).
     */
    public static final CsvLimits DEFAULTS = new CsvLimits(64L * 1024 * 1024, 200_000, 50, 2048, DEFAULT_MAX_URLS);

    /**
     * Limits with the default {@link #maxUrls()}, as before that limit existed.
     *
     * @param maxBytes the most bytes in the file
     * @param maxRows the most data rows
     * @param maxUrlsPerRow the most image URLs in one row's cell
     * @param maxUrlLength the most characters in one URL
     */
    public CsvLimits(long maxBytes, int maxRows, int maxUrlsPerRow, int maxUrlLength) {
        this(maxBytes, maxRows, maxUrlsPerRow, maxUrlLength, DEFAULT_MAX_URLS);
    }

    /** Checks every limit is positive. */
    public CsvLimits {
        requirePositive("maxBytes", maxBytes);
        requirePositive("maxRows", maxRows);
        requirePositive("maxUrlsPerRow", maxUrlsPerRow);
        requirePositive("maxUrlLength", maxUrlLength);
        requirePositive("maxUrls", maxUrls);
    }

    /** {@return {@link #DEFAULTS}} */
    public static CsvLimits defaults() {
        return DEFAULTS;
    }

    /**
     * {@return a copy with that limit}
     *
     * @param value the new limit
     */
    public CsvLimits withMaxBytes(long value) {
        return new CsvLimits(value, maxRows, maxUrlsPerRow, maxUrlLength, maxUrls);
    }

    /**
     * {@return a copy with that limit}
     *
     * @param value the new limit
     */
    public CsvLimits withMaxRows(int value) {
        return new CsvLimits(maxBytes, value, maxUrlsPerRow, maxUrlLength, maxUrls);
    }

    /**
     * {@return a copy with that limit}
     *
     * @param value the new limit
     */
    public CsvLimits withMaxUrlsPerRow(int value) {
        return new CsvLimits(maxBytes, maxRows, value, maxUrlLength, maxUrls);
    }

    /**
     * {@return a copy with that limit}
     *
     * @param value the new limit
     */
    public CsvLimits withMaxUrlLength(int value) {
        return new CsvLimits(maxBytes, maxRows, maxUrlsPerRow, value, maxUrls);
    }

    /**
     * {@return a copy with that limit}
     *
     * @param value the new limit
     */
    public CsvLimits withMaxUrls(int value) {
        return new CsvLimits(maxBytes, maxRows, maxUrlsPerRow, maxUrlLength, value);
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new ConfigurationException("CsvLimits." + name + " must be positive, got " + value);
        }
    }
}
