package io.imgpipe.image;

import io.imgpipe.ConfigurationException;
import io.imgpipe.spi.ImageCompressor;
import io.imgpipe.spi.ImageCompressorProvider;
import io.imgpipe.spi.ProviderConfig;
import java.util.Optional;
import java.util.function.Function;

/**
 * Creates a {@link ThumbnailatorCompressor} by the name {@value #NAME}. Every property is
 * optional; an absent one keeps the value of {@link CompressorConfig#DEFAULTS}:
 * <ul>
 *   <li>{@value #QUALITY}: JPEG quality from 0.0 to 1.0 (default 0.5)</li>
 *   <li>{@value #MAX_WIDTH}: the widest output in pixels, 0 for no limit (default 0)</li>
 *   <li>{@value #MAX_HEIGHT}: the tallest output in pixels, 0 for no limit (default 0)</li>
 *   <li>{@value #MAX_PIXELS}: the largest source accepted, width times height (default 50000000)</li>
 *   <li>{@value #OPTIMIZE_HUFFMAN}: {@code true} or {@code false} (default true)</li>
 *   <li>{@value #TRANSCODE_JPEGS}: {@code true} or {@code false} (default true): whether JPEGs are
 *       recompressed in the DCT-coefficient domain where that is exact</li>
 * </ul>
 *
 * <p>Registered in {@code META-INF/services/io.imgpipe.spi.ImageCompressorProvider}. Stateless and
 * thread-safe; the compressor it creates holds no resource, so closing it is not needed.
 */
public final class ThumbnailatorCompressorProvider implements ImageCompressorProvider {

    /** The name this compressor is chosen by. */
    public static final String NAME = "thumbnailator";
    /** Property: JPEG quality, 0.0 to 1.0. */
    public static final String QUALITY = "imgpipe.image.quality";
    /** Property: the widest output in pixels, 0 for no limit. */
    public static final String MAX_WIDTH = "imgpipe.image.max-width";
    /** Property: the tallest output in pixels, 0 for no limit. */
    public static final String MAX_HEIGHT = "imgpipe.image.max-height";
    /** Property: the largest source accepted, in pixels. */
    public static final String MAX_PIXELS = "imgpipe.image.max-pixels";
    /** Property: whether to compute optimized Huffman tables. */
    public static final String OPTIMIZE_HUFFMAN = "imgpipe.image.optimize-huffman";
    /** Property: whether JPEG sources are transcoded in the DCT-coefficient domain where that is exact. */
    public static final String TRANSCODE_JPEGS = "imgpipe.image.transcode-jpegs";

    /** For {@link java.util.ServiceLoader}. */
    public ThumbnailatorCompressorProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ImageCompressor create(ProviderConfig config) {
        return new ThumbnailatorCompressor(compressorConfig(config));
    }

    /**
     * {@return the settings they describe, defaults where absent}
     *
     * @param properties the provider properties
     * @throws ConfigurationException naming the property that is malformed or out of range
     */
    public static CompressorConfig compressorConfig(ProviderConfig properties) {
        CompressorConfig config = CompressorConfig.DEFAULTS;
        Optional<Float> quality = parse(properties, QUALITY, "a number between 0.0 and 1.0", Float::parseFloat);
        if (quality.isPresent()) {
            config = checked(QUALITY, quality.get(), config::withQuality);
        }
        if (properties.get(MAX_WIDTH).isPresent()) {
            CompressorConfig current = config;
            config = checked(MAX_WIDTH, properties.getInt(MAX_WIDTH, 0), w -> current.withMaxSize(w, current.maxHeight()));
        }
        if (properties.get(MAX_HEIGHT).isPresent()) {
            CompressorConfig current = config;
            config = checked(MAX_HEIGHT, properties.getInt(MAX_HEIGHT, 0), h -> current.withMaxSize(current.maxWidth(), h));
        }
        Optional<Long> maxPixels = parse(properties, MAX_PIXELS, "a whole number of pixels", Long::parseLong);
        if (maxPixels.isPresent()) {
            config = checked(MAX_PIXELS, maxPixels.get(), config::withMaxPixels);
        }
        return config.withOptimizeHuffman(properties.getBoolean(OPTIMIZE_HUFFMAN, config.optimizeHuffman()))
                .withTranscodeJpegs(properties.getBoolean(TRANSCODE_JPEGS, config.transcodeJpegs()));
    }

    private static <T> CompressorConfig checked(String key, T value, Function<T, CompressorConfig> with) {
        try {
            return with.apply(value);
        } catch (ConfigurationException e) {
            throw new ConfigurationException("property " + key + " is out of range: " + e.getMessage(), e);
        }
    }

    private static <T> Optional<T> parse(ProviderConfig properties, String key, String expected,
            Function<String, T> parser) {
        return properties.get(key).map(value -> {
            try {
                return parser.apply(value);
            } catch (NumberFormatException e) {
                throw new ConfigurationException("property " + key + " must be " + expected + ", got '" + value + "'", e);
            }
        });
    }
}
