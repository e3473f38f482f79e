package io.imgpipe.image;

/**
 * An optimal Huffman table for symbol frequencies counted over the whole image, built as the JPEG
 * standard describes (Annex K.2): repeatedly merge the two least frequent trees, then shorten codes
 * longer than 16 bits, with one reserved code point so that no code is all ones. Holds both what the
 * DHT segment says (counts per length, symbols) and the code of every symbol for the encoder.
 */
final class HuffmanEncodingTable {

    /** The number of codes of each length 1-16 ({@code counts[0]} is for length 1). */
    final int[] counts = new int[16];
    /** The symbols, shortest codes first. */
    final int[] symbols;
    /** The code of each symbol, right-aligned; valid where {@link #lengths} is not 0. */
    final int[] codes = new int[256];
    /** The code length of each symbol, 0 for symbols that never occur. */
    final int[] lengths = new int[256];

    private HuffmanEncodingTable(int[] codeLengths) {
        int total = 0;
        for (int length = 1; length <= 16; length++) {
            for (int symbol = 0; symbol < 256; symbol++) {
                if (codeLengths[symbol] == length) {
                    counts[length - 1]++;
                    total++;
                }
            }
        }
        symbols = new int[total];
        int index = 0;
        int code = 0;
        for (int length = 1; length <= 16; length++) {
            for (int symbol = 0; symbol < 256; symbol++) {
                if (codeLengths[symbol] == length) {
                    symbols[index++] = symbol;
                    codes[symbol] = code++;
                    lengths[symbol] = length;
                }
            }
            code <<= 1;
        }
    }

    /**
     * {@return the optimal table, codes at most 16 bits long}
     *
     * @param frequencies how often each symbol 0-255 occurs (at least one must); not modified
     */
    static HuffmanEncodingTable optimal(long[] frequencies) {
        int[] codeLengths = codeLengths(frequencies);
        int[] bitsPerLength = new int[Math.max(33, maxOf(codeLengths) + 1)];
        for (int symbol = 0; symbol <= 256; symbol++) {
            if (codeLengths[symbol] > 0) {
                bitsPerLength[codeLengths[symbol]]++;
            }
        }
        limitToSixteenBits(bitsPerLength);
        int longest = 16;
        while (bitsPerLength[longest] == 0) {
            longest--;
        }
        bitsPerLength[longest]--;
        return new HuffmanEncodingTable(assignLengths(frequencies, codeLengths, bitsPerLength));
    }

    /** Merges trees as in Annex K, figure K.1; symbol 256 is the reserved code point. */
    private static int[] codeLengths(long[] frequencies) {
        long[] freq = new long[257];
        int[] active = new int[257];
        int activeCount = 0;
        for (int symbol = 0; symbol < 256; symbol++) {
            freq[symbol] = frequencies[symbol];
            if (freq[symbol] > 0) {
                active[activeCount++] = symbol;
            }
        }
        if (activeCount == 0) {
            throw new IllegalArgumentException("no symbol occurs");
        }
        freq[256] = 1;
        active[activeCount++] = 256;
        int[] codeSize = new int[257];
        int[] next = new int[257];
        java.util.Arrays.fill(next, -1);
        while (true) {
            int first = -1;
            int second = -1;
            long firstFreq = Long.MAX_VALUE;
            long secondFreq = Long.MAX_VALUE;
            for (int i = 0; i < activeCount; i++) {
                int symbol = active[i];
                long f = freq[symbol];
                if (f == 0) {
                    continue;
                }
                if (f <= firstFreq) {
                    second = first;
                    secondFreq = firstFreq;
                    first = symbol;
                    firstFreq = f;
                } else if (f <= secondFreq) {
                    second = symbol;
                    secondFreq = f;
                }
            }
            if (second < 0) {
                break;
            }
            freq[first] += freq[second];
            freq[second] = 0;
            codeSize[first]++;
            int tail = first;
            while (next[tail] >= 0) {
                tail = next[tail];
                codeSize[tail]++;
            }
            next[tail] = second;
            codeSize[second]++;
            tail = second;
            while (next[tail] >= 0) {
                tail = next[tail];
                codeSize[tail]++;
            }
        }
        return codeSize;
    }

    /** Moves codes longer than 16 bits up the tree, as in Annex K, figure K.3. */
    private static void limitToSixteenBits(int[] bitsPerLength) {
        for (int i = bitsPerLength.length - 1; i > 16; i--) {
            while (bitsPerLength[i] > 0) {
                int j = i - 2;
                while (bitsPerLength[j] == 0) {
                    j--;
                }
                bitsPerLength[i] -= 2;
                bitsPerLength[i - 1]++;
                bitsPerLength[j + 1] += 2;
                bitsPerLength[j]--;
            }
        }
    }

    /**
     * Gives the final lengths to the symbols, most frequent first (ties by the original code length,
     * then by symbol), so that the adjusted count of each length is met. The reserved point is left out.
     */
    private static int[] assignLengths(long[] frequencies, int[] originalLengths, int[] bitsPerLength) {
        int[] order = new int[256];
        int n = 0;
        for (int length = 1; length < originalLengths.length && n < 256; length++) {
            for (int symbol = 0; symbol < 256; symbol++) {
                if (originalLengths[symbol] == length) {
                    order[n++] = symbol;
                }
            }
        }
        int[] lengths = new int[256];
        int index = 0;
        for (int length = 1; length <= 16; length++) {
            for (int i = 0; i < bitsPerLength[length]; i++) {
                lengths[order[index++]] = length;
            }
        }
        return lengths;
    }

    private static int maxOf(int[] values) {
        int max = 0;
        for (int v : values) {
            max = Math.max(max, v);
        }
        return max;
    }
}
