package io.imgpipe.image;

/**
 * What transcoding keeps per colour component: its coefficients and the index of the last
 * non-zero coefficient of each block, the DC predictors of the source and the output, the
 * requantization factors, and the symbol frequencies of the output Huffman tables it uses (shared
 * by the two chroma components).
 */
final class ComponentState {

    final FrameComponent component;
    final short[] coefficients;
    final byte[] lastNonzero;
    final long[] requantMultiply = new long[64];
    final long[] requantAdd = new long[64];
    final long[] dcFrequencies;
    final long[] acFrequencies;
    /** The source quantization table in force at the component's first scan, zig-zag order. */
    int[] sourceTable;
    int sourceDc;
    int outputDc;

    /**
     * Creates a {@code ComponentState}.
     *
     * @param component the frame component
     * @param dcFrequencies the DC symbol counts of the component's output table
     * @param acFrequencies the AC symbol counts of the component's output table
     * @param stored whether to allocate the coefficient store (not needed when blocks go straight
     *     to a {@link SymbolStream})
     */
    ComponentState(FrameComponent component, long[] dcFrequencies, long[] acFrequencies, boolean stored) {
        this.component = component;
        long blocks = stored ? component.paddedBlocks() : 0;
        this.coefficients = new short[Math.toIntExact(blocks * 64)];
        this.lastNonzero = new byte[Math.toIntExact(blocks)];
        this.dcFrequencies = dcFrequencies;
        this.acFrequencies = acFrequencies;
    }

    /** {@return the bytes the arrays of a component take: 64 two-byte coefficients and one byte per block} */
    static long bytesFor(FrameComponent component) {
        return component.paddedBlocks() * (64 * 2 + 1);
    }
}
