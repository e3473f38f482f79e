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
 */
public record CsvLimits(long maxBytes, int maxRows, int maxUrlsPerRow, int maxUrlLength) {

    /** Default: 64 MiB, 200,000 rows, 50 URLs per row, 2,048 characters per URL. */
    public static final CsvLimits DEFAULTS = new CsvLimits(64L * 1024 * 1024, 200_000, 50, 2048);

    /** Checks every limit is positive. */
    public CsvLimits {
        requirePositive("maxBytes", maxBytes);
        requirePositive("maxRows", maxRows);
        requirePositive("maxUrlsPerRow", maxUrlsPerRow);
        requirePositive("maxUrlLength", maxUrlLength);
    }

    /** @return {@link #DEFAULTS} */
    public static CsvLimits defaults() {
        return DEFAULTS;
    }

    /** @param value the new limit @return a copy with that limit */
    public CsvLimits withMaxBytes(long value) {
        return new CsvLimits(value, maxRows, maxUrlsPerRow, maxUrlLength);
    }

    /** @param value the new limit @return a copy with that limit */
    public CsvLimits withMaxRows(int value) {
        return new CsvLimits(maxBytes, value, maxUrlsPerRow, maxUrlLength);
    }

    /** @param value the new limit @return a copy with that limit */
    public CsvLimits withMaxUrlsPerRow(int value) {
        return new CsvLimits(maxBytes, maxRows, value, maxUrlLength);
    }

    /** @param value the new limit @return a copy with that limit */
    public CsvLimits withMaxUrlLength(int value) {
        return new CsvLimits(maxBytes, maxRows, maxUrlsPerRow, value);
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new ConfigurationException("CsvLimits." + name + " must be positive, got " + value);
        }
    }
}
