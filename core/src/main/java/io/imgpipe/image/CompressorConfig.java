package io.imgpipe.image;

import io.imgpipe.ConfigurationException;

/**
 * Settings of the default {@link io.imgpipe.spi.ImageCompressor}. Immutable; the {@code withX}
 * methods return validated copies.
 *
 * <p>Optimized Huffman tables are on by default. They change no pixel: the encoder takes a
 * second pass over the quantized coefficients to build entropy tables fitted to the image
 * instead of the generic tables of the JPEG standard. On the benchmark corpus (44 photos,
 * 159 MP, {@code CompressionBenchmark}) this made the output 11% smaller (output/input 0.311
 * instead of 0.349 on the JPEG sources) for 7 to 13% lower throughput of the whole
 * decode-and-encode step on one core. An image is compressed once and then stored and downloaded
 * many times, so the smaller file is the better default; turn it off with
 * {@link #withOptimizeHuffman(boolean)} when encoding speed matters more than size.
 *
 * @param quality JPEG quality from 0.0 (smallest) to 1.0 (best); default 0.5
 * @param maxWidth the widest output in pixels, scaling down (never up) to fit; 0 keeps the width
 * @param maxHeight the tallest output in pixels, scaling down (never up) to fit; 0 keeps the height
 * @param maxPixels the largest source (width times height, read from the header) accepted for
 *     decoding; default 50 megapixels
 * @param optimizeHuffman whether the pixel path's JPEG encoder computes optimized Huffman tables
 *     (smaller files, same pixels, slower); default {@code true}. The JPEG transcoder always does.
 * @param transcodeJpegs whether JPEG sources that allow it are recompressed in the DCT-coefficient
 *     domain rather than decoded to pixels (see {@link ThumbnailatorCompressor}); default {@code true}
 */
public record CompressorConfig(float quality, int maxWidth, int maxHeight, long maxPixels, boolean optimizeHuffman,
        boolean transcodeJpegs) {

    /**
     * Default: quality 0.5, same dimensions, at most 50 megapixels, optimized Huffman tables, JPEGs
     * transcoded.
     */
    public static final CompressorConfig DEFAULTS = new CompressorConfig(0.5f, 0, 0, 50_000_000L, true, true);

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

    /**
     * Settings that transcode JPEGs where they can (the default for that choice).
     *
     * @param quality JPEG quality from 0.0 to 1.0
     * @param maxWidth the widest output, 0 for no limit
     * @param maxHeight the tallest output, 0 for no limit
     * @param maxPixels the largest source accepted for decoding
     * @param optimizeHuffman whether the pixel path computes optimized Huffman tables
     */
    public CompressorConfig(float quality, int maxWidth, int maxHeight, long maxPixels, boolean optimizeHuffman) {
        this(quality, maxWidth, maxHeight, maxPixels, optimizeHuffman, true);
    }

    /**
     * Settings with optimized Huffman tables and JPEG transcoding (the defaults for those choices).
     *
     * @param quality JPEG quality from 0.0 to 1.0
     * @param maxWidth the widest output, 0 for no limit
     * @param maxHeight the tallest output, 0 for no limit
     * @param maxPixels the largest source accepted for decoding
     */
    public CompressorConfig(float quality, int maxWidth, int maxHeight, long maxPixels) {
        this(quality, maxWidth, maxHeight, maxPixels, true, true);
    }

    /** {@return {@link #DEFAULTS}} */
    public static CompressorConfig defaults() {
        return DEFAULTS;
    }

    /**
     * {@return a copy with that quality}
     *
     * @param value the new quality
     */
    public CompressorConfig withQuality(float value) {
        return new CompressorConfig(value, maxWidth, maxHeight, maxPixels, optimizeHuffman, transcodeJpegs);
    }

    /**
     * {@return a copy with those bounds}
     *
     * @param width the widest output, 0 for no limit
     * @param height the tallest output, 0 for no limit
     */
    public CompressorConfig withMaxSize(int width, int height) {
        return new CompressorConfig(quality, width, height, maxPixels, optimizeHuffman, transcodeJpegs);
    }

    /**
     * {@return a copy with that limit}
     *
     * @param value the new pixel limit
     */
    public CompressorConfig withMaxPixels(long value) {
        return new CompressorConfig(quality, maxWidth, maxHeight, value, optimizeHuffman, transcodeJpegs);
    }

    /**
     * {@return a copy with that choice}
     *
     * @param value whether to compute optimized Huffman tables
     */
    public CompressorConfig withOptimizeHuffman(boolean value) {
        return new CompressorConfig(quality, maxWidth, maxHeight, maxPixels, value, transcodeJpegs);
    }

    /**
     * {@return a copy with that choice}
     *
     * @param value whether JPEG sources that allow it are transcoded in the DCT-coefficient domain
     */
    public CompressorConfig withTranscodeJpegs(boolean value) {
        return new CompressorConfig(quality, maxWidth, maxHeight, maxPixels, optimizeHuffman, value);
    }

    /** {@return {@code true} if a maximum width or height is set} */
    public boolean resizes() {
        return maxWidth > 0 || maxHeight > 0;
    }
}
