package io.imgpipe.image;

/**
 * An EXIF orientation done on DCT blocks, as jpegtran does it: each output block is a stored block,
 * possibly transposed (coefficient (u, v) from (v, u)) and mirrored (odd horizontal or vertical
 * frequencies negated). The output is exactly the upright picture when every mirrored axis of the
 * stored picture is a whole number of MCUs, since the partial MCU at the right or bottom edge
 * cannot move to the left or top; {@link #isExactFor(JpegFrame)} tells.
 *
 * <p>In stored coordinates: the output block at (x, y) comes from stored block (x, y), or (y, x)
 * when transposing, then mirrored across the stored width and/or height. Immutable.
 */
final class BlockOrientation {

    private final ExifOrientation orientation;
    private final boolean transposes;
    private final boolean mirrorsX;
    private final boolean mirrorsY;
    /** For each output zig-zag position, the stored zig-zag position it comes from. */
    private final int[] source = new int[64];
    /** For each output zig-zag position, whether the sign changes. */
    private final boolean[] negates = new boolean[64];

    private BlockOrientation(ExifOrientation orientation, boolean transposes, boolean mirrorsX, boolean mirrorsY) {
        this.orientation = orientation;
        this.transposes = transposes;
        this.mirrorsX = mirrorsX;
        this.mirrorsY = mirrorsY;
        for (int k = 0; k < 64; k++) {
            int natural = ZigZag.NATURAL[k];
            int u = natural & 7;
            int v = natural >>> 3;
            int storedU = transposes ? v : u;
            int storedV = transposes ? u : v;
            source[k] = ZigZag.ZIGZAG[storedV * 8 + storedU];
            negates[k] = (mirrorsX && (storedU & 1) == 1) ^ (mirrorsY && (storedV & 1) == 1);
        }
    }

    /** {@return the block transform that shows stored blocks upright for the EXIF orientation} */
    static BlockOrientation of(ExifOrientation orientation) {
        switch (orientation) {
            case FLIP_HORIZONTAL:
                return new BlockOrientation(orientation, false, true, false);
            case ROTATE_180:
                return new BlockOrientation(orientation, false, true, true);
            case FLIP_VERTICAL:
                return new BlockOrientation(orientation, false, false, true);
            case TRANSPOSE:
                return new BlockOrientation(orientation, true, false, false);
            case ROTATE_90_CW:
                return new BlockOrientation(orientation, true, false, true);
            case TRANSVERSE:
                return new BlockOrientation(orientation, true, true, true);
            case ROTATE_90_CCW:
                return new BlockOrientation(orientation, true, true, false);
            default:
                return new BlockOrientation(orientation, false, false, false);
        }
    }

    ExifOrientation orientation() {
        return orientation;
    }

    boolean isIdentity() {
        return !transposes && !mirrorsX && !mirrorsY;
    }

    boolean transposes() {
        return transposes;
    }

    /**
     * {@return whether the blocks give exactly the upright picture: each mirrored axis is a whole
     *     number of MCUs of the frame}
     */
    boolean isExactFor(JpegFrame frame) {
        return (!mirrorsX || frame.width % (8 * frame.maxHorizontalSampling) == 0)
                && (!mirrorsY || frame.height % (8 * frame.maxVerticalSampling) == 0);
    }

    /**
     * {@return the index of the stored block the output block comes from}
     *
     * @param component the stored component
     * @param x the output block column
     * @param y the output block row
     */
    int sourceBlock(FrameComponent component, int x, int y) {
        int a = transposes ? y : x;
        int b = transposes ? x : y;
        int sx = mirrorsX ? component.paddedBlocksWide - 1 - a : a;
        int sy = mirrorsY ? component.paddedBlocksHigh - 1 - b : b;
        return sy * component.paddedBlocksWide + sx;
    }

    /**
     * A transposed block keeps each coefficient's value but moves it to where the output table's step
     * differs, so coefficients are requantized, in stored positions, to the step of the position
     * they will have.
     *
     * @param outputTable a table in output zig-zag order
     * @return the same steps indexed by the stored zig-zag position each output position comes from
     */
    int[] inStoredOrder(int[] outputTable) {
        int[] stored = new int[64];
        for (int k = 0; k < 64; k++) {
            stored[source[k]] = outputTable[k];
        }
        return stored;
    }

    /**
     * Writes the output block made from a stored block.
     *
     * @param stored the stored coefficients
     * @param offset the stored block's first coefficient
     * @param out receives the 64 output coefficients in zig-zag order
     * @return the zig-zag index of the last non-zero output coefficient (0 if only the DC may be)
     */
    int transform(short[] stored, int offset, short[] out) {
        int last = 0;
        for (int k = 0; k < 64; k++) {
            int value = stored[offset + source[k]];
            if (value != 0) {
                out[k] = (short) (negates[k] ? -value : value);
                last = k;
            } else {
                out[k] = 0;
            }
        }
        return last;
    }
}
