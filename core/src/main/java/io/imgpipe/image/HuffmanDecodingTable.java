package io.imgpipe.image;

/**
 * A Huffman table of a DHT segment, prepared for decoding: codes of up to {@link #LOOKAHEAD}
 * bits are found with one table look-up of the next bits; longer ones by comparing with the
 * largest code of each length. For AC tables a second look-up table decodes, in one step, a
 * whole coefficient (zero run, code and value bits) whose bits fit the look-ahead.
 *
 * <p>Built only from validated counts: no code space overflow, at most 256 symbols.
 */
final class HuffmanDecodingTable {

    /** Bits examined by one look-up. */
    static final int LOOKAHEAD = 10;

    /** (code length &lt;&lt; 8) | symbol for each {@link #LOOKAHEAD}-bit prefix; 0 if the code is longer. */
    final int[] lookup = new int[1 << LOOKAHEAD];
    /**
     * For AC tables: (value &lt;&lt; 16) | (zero run &lt;&lt; 8) | bits used, for each prefix holding
     * a whole coefficient of size 1 or more; 0 otherwise.
     */
    final int[] fastAc = new int[1 << LOOKAHEAD];
    /** The largest code of each length 1-16, -1 if there is none; index 17 is a sentinel. */
    final int[] maxCode = new int[18];
    /** For each length: index into {@link #symbols} of the first code of that length, minus that code. */
    final int[] symbolOffset = new int[17];
    final int[] symbols;
    final int largestSymbol;

    /**
     * Creates a {@code HuffmanDecodingTable}.
     *
     * @param counts the number of codes of each length 1-16 ({@code counts[0]} is for length 1)
     * @param symbols the symbols in code order
     * @throws IllegalArgumentException if the counts do not describe a prefix code, with the reason
     */
    HuffmanDecodingTable(int[] counts, int[] symbols) {
        this.symbols = symbols.clone();
        int largest = 0;
        for (int symbol : symbols) {
            largest = Math.max(largest, symbol);
        }
        this.largestSymbol = largest;
        int code = 0;
        int index = 0;
        for (int length = 1; length <= 16; length++) {
            int count = counts[length - 1];
            symbolOffset[length] = index - code;
            if (count > 0) {
                if (code + count > 1 << length) {
                    throw new IllegalArgumentException("more codes than fit in " + length + " bits");
                }
                for (int i = 0; i < count; i++) {
                    if (length <= LOOKAHEAD) {
                        int shift = LOOKAHEAD - length;
                        int first = (code + i) << shift;
                        int entry = length << 8 | symbols[index + i];
                        for (int prefix = 0; prefix < 1 << shift; prefix++) {
                            lookup[first | prefix] = entry;
                        }
                    }
                }
                index += count;
                code += count;
                maxCode[length] = code - 1;
            } else {
                maxCode[length] = -1;
            }
            code <<= 1;
        }
        maxCode[17] = Integer.MAX_VALUE;
        buildFastAc();
    }

    private void buildFastAc() {
        for (int prefix = 0; prefix < lookup.length; prefix++) {
            int entry = lookup[prefix];
            if (entry == 0) {
                continue;
            }
            int codeLength = entry >>> 8;
            int symbol = entry & 0xFF;
            int run = symbol >>> 4;
            int size = symbol & 15;
            if (size == 0 || codeLength + size > LOOKAHEAD) {
                continue;
            }
            int bits = (prefix >>> (LOOKAHEAD - codeLength - size)) & ((1 << size) - 1);
            int value = bits < 1 << (size - 1) ? bits - (1 << size) + 1 : bits;
            fastAc[prefix] = value << 16 | run << 8 | (codeLength + size);
        }
    }
}
