package io.imgpipe.image;

import io.imgpipe.ConfigurationException;

/**
 * Settings of the default {@link io.imgpipe.spi.ImageCompressor}.
 *
 * @param quality JPEG quality from 0.0 (smallest) to 1.0 (best); default 0.5
 * @param maxWidth the widest output in pixels, scaling down (never up) to fit; 0 keeps the width
 * @param maxHeight the tallest output in pixels, scaling down (never up) to fit; 0 keeps the height
 * @param maxPixels the largest source (width times height, read from the header) accepted for
 *     decoding; default 50 megapixels
 */
public record CompressorConfig(float quality, int maxWidth, int maxHeight, long maxPixels) {

    /** Default: quality 0.5, same dimensions, at most 50 megapixels. */
    public static final CompressorConfig DEFAULTS = new CompressorConfig(0.5f, 0, 0, 50_000_000L);

    /** Checks the values are in range, naming the field that is not. */
    public CompressorConfig {
        if (!(quality >= 0f && quality <= 1f)) {
            throw new ConfigurationException("CompressorConfig.quality must be between 0.0 and 1.0, got " + quality);
        }
        if (maxWidth < 0) {
            throw new ConfigurationException("CompressorConfig.maxWidth must be 0 (no limit) or positive, got " + maxWidth);
        }
        if (maxHeight < 0) {
            throw new ConfigurationException("CompressorConfig.maxHeight must be 0 (no limit) or positive, got " + maxHeight);
        }
        if (maxPixels <= 0) {
            throw new ConfigurationException("CompressorConfig.maxPixels must be positive, got " + maxPixels);
        }
    }

    /** @return {@link #DEFAULTS} */
    public static CompressorConfig defaults() {
        return DEFAULTS;
    }

    /** @param value the new quality @return a copy with that quality */
    public CompressorConfig withQuality(float value) {
        return new CompressorConfig(value, maxWidth, maxHeight, maxPixels);
    }

    /**
     * @param width the widest output, 0 for no limit
     * @param height the tallest output, 0 for no limit
     * @return a copy with those bounds
     */
    public CompressorConfig withMaxSize(int width, int height) {
        return new CompressorConfig(quality, width, height, maxPixels);
    }

    /** @param value the new pixel limit @return a copy with that limit */
    public CompressorConfig withMaxPixels(long value) {
        return new CompressorConfig(quality, maxWidth, maxHeight, value);
    }

    /** @return {@code true} if a maximum width or height is set */
    public boolean resizes() {
        return maxWidth > 0 || maxHeight > 0;
    }
}
