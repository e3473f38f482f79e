package io.imgpipe.csv;

import io.imgpipe.ConfigurationException;
import io.imgpipe.spi.CsvIngestor;
import io.imgpipe.spi.CsvIngestorProvider;
import io.imgpipe.spi.ProviderConfig;
import java.util.Optional;

/**
 * Creates a {@link CommonsCsvIngestor} by the name {@value #NAME}. Reads these optional
 * properties, each a positive integer defaulting to {@link CsvLimits#DEFAULTS}:
 * <ul>
 *   <li>{@value #MAX_BYTES}: the most bytes in a file;</li>
 *   <li>{@value #MAX_ROWS}: the most data rows;</li>
 *   <li>{@value #MAX_URLS_PER_ROW}: the most image URLs in one row;</li>
 *   <li>{@value #MAX_URL_LENGTH}: the most characters in one URL;</li>
 *   <li>{@value #MAX_URLS}: the most image URLs in a file.</li>
 * </ul>
 * Registered in {@code META-INF/services/io.imgpipe.spi.CsvIngestorProvider}. Stateless and
 * thread-safe; the ingestor it creates holds no resource to close.
 */
public final class CommonsCsvIngestorProvider implements CsvIngestorProvider {

    /** The name this provider is chosen by. */
    public static final String NAME = "commons-csv";
    /** Property: the most bytes in a file. */
    public static final String MAX_BYTES = "imgpipe.csv.max-bytes";
    /** Property: the most data rows in a file. */
    public static final String MAX_ROWS = "imgpipe.csv.max-rows";
    /** Property: the most image URLs in one row. */
    public static final String MAX_URLS_PER_ROW = "imgpipe.csv.max-urls-per-row";
    /** Property: the most characters in one URL. */
    public static final String MAX_URL_LENGTH = "imgpipe.csv.max-url-length";
    /** Property: the most image URLs in a file. */
    public static final String MAX_URLS = "imgpipe.csv.max-urls";

    /** For {@link java.util.ServiceLoader}. */
    public CommonsCsvIngestorProvider() {
    }

    /** {@return {@value #NAME}} */
    @Override
    public String name() {
        return NAME;
    }

    /**
     * {@return a new ingestor with the configured limits}
     *
     * @param config properties; see the class description for the keys read
     * @throws ConfigurationException naming the property, if one is not a positive integer
     */
    @Override
    public CsvIngestor create(ProviderConfig config) {
        CsvLimits defaults = CsvLimits.DEFAULTS;
        return new CommonsCsvIngestor(new CsvLimits(
                positiveLong(config, MAX_BYTES, defaults.maxBytes()),
                positiveInt(config, MAX_ROWS, defaults.maxRows()),
                positiveInt(config, MAX_URLS_PER_ROW, defaults.maxUrlsPerRow()),
                positiveInt(config, MAX_URL_LENGTH, defaults.maxUrlLength()),
                positiveInt(config, MAX_URLS, defaults.maxUrls())));
    }

    private static int positiveInt(ProviderConfig config, String key, int defaultValue) {
        int value = config.getInt(key, defaultValue);
        if (value <= 0) {
            throw new ConfigurationException("property " + key + " must be a positive integer, got " + value);
        }
        return value;
    }

    private static long positiveLong(ProviderConfig config, String key, long defaultValue) {
        Optional<String> text = config.get(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(text.get());
        } catch (NumberFormatException e) {
            throw new ConfigurationException("property " + key + " must be a positive integer, got '" + text.get() + "'", e);
        }
        if (value <= 0) {
            throw new ConfigurationException("property " + key + " must be a positive integer, got " + value);
        }
        return value;
    }
}
