package io.imgpipe.image;

/**
 * One colour component of a JPEG frame as its SOF segment declares it, with its block geometry:
 * the blocks that hold picture ({@link #blocksWide} by {@link #blocksHigh}) and the blocks of whole
 * MCUs ({@link #paddedBlocksWide} by {@link #paddedBlocksHigh}), which is how the coefficients are
 * stored.
 */
final class FrameComponent {

    final int index;
    final int id;
    final int horizontalSampling;
    final int verticalSampling;
    final int quantTable;
    int blocksWide;
    int blocksHigh;
    int paddedBlocksWide;
    int paddedBlocksHigh;

    FrameComponent(int index, int id, int horizontalSampling, int verticalSampling, int quantTable) {
        this.index = index;
        this.id = id;
        this.horizontalSampling = horizontalSampling;
        this.verticalSampling = verticalSampling;
        this.quantTable = quantTable;
    }

    /** {@return the number of stored blocks, whole MCUs} */
    long paddedBlocks() {
        return (long) paddedBlocksWide * paddedBlocksHigh;
    }
}
