package io.imgpipe.image;

/**
 * Visits the blocks of the output JPEG in the order its single scan codes them: MCU by MCU for
 * colour (four luma blocks, then one of each chroma), row by row for grey, each block taken from the
 * stored coefficients through the orientation. Not thread-safe (one scratch block).
 */
final class OutputBlocks {

    /** Receives each output block. */
    interface Visitor {

        /**
         * Receives one block of coefficients.
         *
         * @param state the component the block belongs to
         * @param coefficients holds the block's 64 coefficients in zig-zag order
         * @param offset the block's first coefficient
         * @param lastNonzero the zig-zag index of its last non-zero coefficient (0 if only the DC may be)
         */
        void block(ComponentState state, short[] coefficients, int offset, int lastNonzero);
    }

    private final ComponentState[] states;
    private final BlockOrientation orientation;
    private final int mcusWide;
    private final int mcusHigh;
    private final short[] scratch = new short[64];

    OutputBlocks(JpegFrame frame, ComponentState[] states, BlockOrientation orientation) {
        this.states = states;
        this.orientation = orientation;
        this.mcusWide = orientation.transposes() ? frame.mcusHigh : frame.mcusWide;
        this.mcusHigh = orientation.transposes() ? frame.mcusWide : frame.mcusHigh;
    }

    /** Visits every output block in coding order; resets each component's output DC predictor first. */
    void forEach(Visitor visitor) {
        for (ComponentState state : states) {
            state.outputDc = 0;
        }
        if (states.length == 1) {
            ComponentState state = states[0];
            FrameComponent c = state.component;
            int wide = orientation.transposes() ? c.blocksHigh : c.blocksWide;
            int high = orientation.transposes() ? c.blocksWide : c.blocksHigh;
            for (int y = 0; y < high; y++) {
                for (int x = 0; x < wide; x++) {
                    visit(visitor, state, x, y);
                }
            }
            return;
        }
        for (int my = 0; my < mcusHigh; my++) {
            for (int mx = 0; mx < mcusWide; mx++) {
                for (ComponentState state : states) {
                    FrameComponent c = state.component;
                    int h = c.horizontalSampling;
                    int v = c.verticalSampling;
                    for (int by = 0; by < v; by++) {
                        for (int bx = 0; bx < h; bx++) {
                            visit(visitor, state, mx * h + bx, my * v + by);
                        }
                    }
                }
            }
        }
    }

    private void visit(Visitor visitor, ComponentState state, int x, int y) {
        if (orientation.isIdentity()) {
            int block = y * state.component.paddedBlocksWide + x;
            visitor.block(state, state.coefficients, block << 6, state.lastNonzero[block]);
        } else {
            int block = orientation.sourceBlock(state.component, x, y);
            int last = orientation.transform(state.coefficients, block << 6, scratch);
            visitor.block(state, scratch, 0, last);
        }
    }
}
