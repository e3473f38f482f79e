package io.imgpipe.image;

/**
 * Counts the Huffman symbols the output will code, block by block: the size of each DC
 * difference, and each AC run/size pair, ZRL and EOB. The counts go to the component's DC and AC
 * frequency tables.
 */
final class HuffmanStatistics implements OutputBlocks.Visitor {

    @Override
    public void block(ComponentState state, short[] coefficients, int offset, int lastNonzero) {
        int dc = coefficients[offset];
        int diff = dc - state.outputDc;
        state.outputDc = dc;
        state.dcFrequencies[size(diff)]++;
        long[] ac = state.acFrequencies;
        int run = 0;
        for (int k = 1; k <= lastNonzero; k++) {
            int value = coefficients[offset + k];
            if (value == 0) {
                run++;
                continue;
            }
            while (run > 15) {
                ac[0xF0]++;
                run -= 16;
            }
            ac[run << 4 | size(value)]++;
            run = 0;
        }
        if (lastNonzero < 63) {
            ac[0]++;
        }
    }

    /** {@return the number of bits of a value's magnitude, its JPEG size category} */
    static int size(int value) {
        return 32 - Integer.numberOfLeadingZeros(value < 0 ? -value : value);
    }
}
