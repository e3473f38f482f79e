package io.imgpipe.image;

/**
 * The output dimensions: the source's, or scaled down to fit maximum bounds keeping the aspect
 * ratio, never enlarged.
 *
 * @param width output width in pixels, at least 1
 * @param height output height in pixels, at least 1
 */
record OutputSize(int width, int height) {

    /**
     * {@return the largest size that fits the bounds with the source's aspect ratio, at most the source's}
     *
     * @param width the upright source width
     * @param height the upright source height
     * @param maxWidth the widest output, 0 for no limit
     * @param maxHeight the tallest output, 0 for no limit
     */
    static OutputSize fit(int width, int height, int maxWidth, int maxHeight) {
        double scale = 1.0;
        if (maxWidth > 0 && width > maxWidth) {
            scale = Math.min(scale, (double) maxWidth / width);
        }
        if (maxHeight > 0 && height > maxHeight) {
            scale = Math.min(scale, (double) maxHeight / height);
        }
        if (scale >= 1.0) {
            return new OutputSize(width, height);
        }
        int w = clamp((int) Math.round(width * scale), maxWidth);
        int h = clamp((int) Math.round(height * scale), maxHeight);
        return new OutputSize(w, h);
    }

    /** {@return {@code true} if these are the given dimensions} */
    boolean sameAs(int otherWidth, int otherHeight) {
        return width == otherWidth && height == otherHeight;
    }

    private static int clamp(int value, int max) {
        int atLeastOne = Math.max(1, value);
        return max > 0 ? Math.min(atLeastOne, max) : atLeastOne;
    }
}
