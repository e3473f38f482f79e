package io.imgpipe.image;

import java.util.ArrayList;
import java.util.List;

/**
 * The output's Huffman symbols in coding order, one int each, for a file whose blocks are decoded
 * in the order the output codes them: the decoder appends them as it requantizes, and the writer
 * only looks up each symbol's code. An entry holds the value bits (0-15), their count (16-19), the
 * symbol (20-27) and the table (28-29: DC luminance, AC luminance, DC chrominance, AC
 * chrominance).
 *
 * <p>Stored in chunks, so growing copies nothing, and capped at {@value #MAX_ENTRIES_PER_BLOCK}
 * entries per block (128 bytes, what storing the block's coefficients would take); past the cap
 * {@link Overflow} is thrown and the caller transcodes through the coefficient store instead.
 */
final class SymbolStream {

    /** The entries per block the stream may hold on average. */
    static final int MAX_ENTRIES_PER_BLOCK = 32;
    private static final int CHUNK = 1 << 15;
    /** The bytes of one chunk: the stream may allocate this much beyond its cap. */
    static final int CHUNK_BYTES = CHUNK * Integer.BYTES;

    /** Thrown when the stream would pass its cap. Carries no stack trace. */
    static final class Overflow extends RuntimeException {

        private static final long serialVersionUID = 1L;

        Overflow() {
            super("the symbol stream is full", null, false, false);
        }
    }

    private final List<int[]> full = new ArrayList<>();
    private final List<Integer> fullUsed = new ArrayList<>();
    private final long capacity;
    /** The chunk being filled; the decoder writes it directly. */
    int[] chunk = new int[CHUNK];
    /** The number of entries in {@link #chunk}. */
    int used;

    /**
     * Creates a {@code SymbolStream}.
     *
     * @param blocks the number of blocks the stream will code
     */
    SymbolStream(long blocks) {
        this.capacity = blocks * MAX_ENTRIES_PER_BLOCK;
    }

    /** {@return the entry for a symbol and its value bits} */
    static int entry(int table, int symbol, int size, int valueBits) {
        return table << 28 | symbol << 20 | size << 16 | valueBits;
    }

    /**
     * Files the current chunk, with its first {@link #used} entries, and starts another.
     *
     * @throws Overflow if the stream has reached its cap
     */
    void nextChunk() {
        full.add(chunk);
        fullUsed.add(used);
        if ((long) full.size() * CHUNK >= capacity) {
            throw new Overflow();
        }
        chunk = new int[CHUNK];
        used = 0;
    }

    /** {@return the filed chunks, then the current one} */
    List<int[]> chunks() {
        List<int[]> all = new ArrayList<>(full);
        all.add(chunk);
        return all;
    }

    /** {@return how many entries chunk {@code index} of {@link #chunks()} holds} */
    int used(int index) {
        return index < full.size() ? fullUsed.get(index) : used;
    }
}
