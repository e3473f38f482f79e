package io.imgpipe.image;

import javax.imageio.plugins.jpeg.JPEGQTable;

/**
 * The quantization tables the pixel path's encoder (the JDK's JPEG {@code ImageWriter}) writes for
 * a quality setting, so that a quality means the same on both paths: the JPEG standard's example
 * tables (K.1, K.2) scaled as the IJG library scales them for its quality 0-100, clamped to 1-255.
 */
final class OutputQuantTables {

    /** The luminance table in zig-zag order. */
    final int[] luminance;
    /** The chrominance table in zig-zag order. */
    final int[] chrominance;

    private OutputQuantTables(int[] luminance, int[] chrominance) {
        this.luminance = luminance;
        this.chrominance = chrominance;
    }

    /**
     * {@return the tables the JDK's JPEG writer uses for that quality}
     *
     * @param quality 0.0 to 1.0, as {@link javax.imageio.ImageWriteParam#setCompressionQuality(float)} takes it
     */
    static OutputQuantTables forQuality(float quality) {
        float scale = linearScale(quality);
        return new OutputQuantTables(zigZag(JPEGQTable.K1Luminance.getScaledInstance(scale, true)),
                zigZag(JPEGQTable.K2Chrominance.getScaledInstance(scale, true)));
    }

    /** The IJG conversion of a quality to a scale factor, as the JDK's JPEG writer does it. */
    static float linearScale(float quality) {
        float q = quality <= 0f ? 0.01f : Math.min(quality, 1f);
        return q < 0.5f ? 0.5f / q : 2.0f - q * 2.0f;
    }

    private static int[] zigZag(JPEGQTable table) {
        int[] natural = table.getTable();
        int[] zigZag = new int[64];
        for (int k = 0; k < 64; k++) {
            zigZag[k] = natural[ZigZag.NATURAL[k]];
        }
        return zigZag;
    }
}
