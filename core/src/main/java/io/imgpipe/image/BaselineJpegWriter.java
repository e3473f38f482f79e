package io.imgpipe.image;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the output file: SOI, a JFIF APP0 segment (as the pixel path's encoder writes it), the
 * quantization tables, a baseline SOF0 frame, the Huffman tables, one interleaved scan and EOI; no
 * other metadata. The entropy coder stuffs a zero byte after every 0xFF and pads the last byte
 * with one bits. Not thread-safe: one instance per image.
 */
final class BaselineJpegWriter implements OutputBlocks.Visitor {

    private static final byte[] JFIF_APP0 = {
        (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 2, 0, 0, 1, 0, 1, 0, 0,
    };

    private byte[] out;
    private int pos;
    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Bits not yet written, right-aligned; {@link #free} more fit before the buffer holds 64. */
    private long accumulator;
    private int free = 64;
    private final int[][] dcCodes = new int[2][];
    private final int[][] dcLengths = new int[2][];
    private final int[][] acCodes = new int[2][];
    private final int[][] acLengths = new int[2][];

    /**
     * Creates a {@code BaselineJpegWriter}.
     *
     * @param capacity the expected size of the whole file; the buffer grows if it is too small
     */
    BaselineJpegWriter(int capacity) {
        out = new byte[Math.max(1024, capacity)];
    }

    /**
     * Writes everything before the entropy-coded data.
     *
     * @param width output width
     * @param height output height
     * @param grey one component rather than three (4:2:0)
     * @param quantTables the luminance and chrominance tables, zig-zag order
     * @param dc the DC Huffman tables (luminance, chrominance)
     * @param ac the AC Huffman tables (luminance, chrominance)
     */
    void writeHeaders(int width, int height, boolean grey, int[][] quantTables, HuffmanEncodingTable[] dc,
            HuffmanEncodingTable[] ac) {
        int tables = grey ? 1 : 2;
        bytes(0xFF, JpegMarker.SOI);
        ensure(JFIF_APP0.length);
        System.arraycopy(JFIF_APP0, 0, out, pos, JFIF_APP0.length);
        pos += JFIF_APP0.length;
        for (int t = 0; t < tables; t++) {
            bytes(0xFF, JpegMarker.DQT, 0, 67, t);
            for (int k = 0; k < 64; k++) {
                bytes(quantTables[t][k]);
            }
        }
        int components = grey ? 1 : 3;
        bytes(0xFF, JpegMarker.SOF0, 0, 8 + 3 * components, 8, height >>> 8, height & 0xFF, width >>> 8, width & 0xFF,
                components);
        for (int c = 0; c < components; c++) {
            bytes(c + 1, c == 0 && !grey ? 0x22 : 0x11, c == 0 ? 0 : 1);
        }
        for (int t = 0; t < tables; t++) {
            huffmanTable(0, t, dc[t]);
            huffmanTable(1, t, ac[t]);
            dcCodes[t] = dc[t].codes;
            dcLengths[t] = dc[t].lengths;
            acCodes[t] = ac[t].codes;
            acLengths[t] = ac[t].lengths;
        }
        bytes(0xFF, JpegMarker.SOS, 0, 6 + 2 * components, components);
        for (int c = 0; c < components; c++) {
            bytes(c + 1, c == 0 ? 0x00 : 0x11);
        }
        bytes(0, 63, 0);
    }

    private void huffmanTable(int tableClass, int id, HuffmanEncodingTable table) {
        bytes(0xFF, JpegMarker.DHT, 0, 2 + 1 + 16 + table.symbols.length, tableClass << 4 | id);
        for (int count : table.counts) {
            bytes(count);
        }
        for (int symbol : table.symbols) {
            bytes(symbol);
        }
    }

    @Override
    public void block(ComponentState state, short[] coefficients, int offset, int lastNonzero) {
        int table = state.component.index == 0 ? 0 : 1;
        int[] dcCode = dcCodes[table];
        int[] dcLength = dcLengths[table];
        int[] acCode = acCodes[table];
        int[] acLength = acLengths[table];
        int dc = coefficients[offset];
        int diff = dc - state.outputDc;
        state.outputDc = dc;
        int size = HuffmanStatistics.size(diff);
        emit(dcCode[size] << size | ((diff < 0 ? diff - 1 : diff) & ((1 << size) - 1)), dcLength[size] + size);
        int run = 0;
        for (int k = 1; k <= lastNonzero; k++) {
            int value = coefficients[offset + k];
            if (value == 0) {
                run++;
                continue;
            }
            while (run > 15) {
                emit(acCode[0xF0], acLength[0xF0]);
                run -= 16;
            }
            size = HuffmanStatistics.size(value);
            int symbol = run << 4 | size;
            emit(acCode[symbol] << size | ((value < 0 ? value - 1 : value) & ((1 << size) - 1)), acLength[symbol] + size);
            run = 0;
        }
        if (lastNonzero < 63) {
            emit(acCode[0], acLength[0]);
        }
    }

    /**
     * Codes a symbol stream, whose entries are in output order.
     *
     * @param stream the symbols
     * @param dc the DC tables written by {@link #writeHeaders}
     * @param ac the AC tables written by {@link #writeHeaders}
     */
    void encode(SymbolStream stream, HuffmanEncodingTable[] dc, HuffmanEncodingTable[] ac) {
        int[] codes = new int[4 * 256];
        int[] lengths = new int[4 * 256];
        for (int t = 0; t < dc.length; t++) {
            System.arraycopy(dc[t].codes, 0, codes, 2 * t * 256, 256);
            System.arraycopy(dc[t].lengths, 0, lengths, 2 * t * 256, 256);
            System.arraycopy(ac[t].codes, 0, codes, (2 * t + 1) * 256, 256);
            System.arraycopy(ac[t].lengths, 0, lengths, (2 * t + 1) * 256, 256);
        }
        List<int[]> chunks = stream.chunks();
        long accumulator = this.accumulator;
        int free = this.free;
        for (int c = 0; c < chunks.size(); c++) {
            int[] chunk = chunks.get(c);
            int end = stream.used(c);
            for (int i = 0; i < end; i++) {
                int entry = chunk[i];
                int symbol = entry >>> 20;
                int size = (entry >>> 16) & 15;
                int length = lengths[symbol] + size;
                int code = codes[symbol] << size | (entry & 0xFFFF);
                if (length < free) {
                    accumulator = accumulator << length | code;
                    free -= length;
                } else {
                    int over = length - free;
                    writeWord(accumulator << free | (code & 0xFFFFFFFFL) >>> over);
                    accumulator = code;
                    free = 64 - over;
                }
            }
        }
        this.accumulator = accumulator;
        this.free = free;
    }

    private void emit(int code, int length) {
        if (length < free) {
            accumulator = accumulator << length | code;
            free -= length;
        } else {
            int over = length - free;
            writeWord(accumulator << free | (code & 0xFFFFFFFFL) >>> over);
            accumulator = code;
            free = 64 - over;
        }
    }

    private void writeWord(long word) {
        if (pos + 16 > out.length) {
            ensure(16);
        }
        long inverted = ~word;
        if (((inverted - 0x0101010101010101L) & ~inverted & 0x8080808080808080L) == 0) {
            BIG_ENDIAN_LONG.set(out, pos, word);
            pos += 8;
        } else {
            for (int shift = 56; shift >= 0; shift -= 8) {
                byte b = (byte) (word >>> shift);
                out[pos++] = b;
                if (b == (byte) 0xFF) {
                    out[pos++] = 0;
                }
            }
        }
    }

    /**
     * Pads and flushes the entropy-coded data and writes EOI.
     *
     * @return the whole file
     */
    byte[] finish() {
        int pad = (8 - ((64 - free) & 7)) & 7;
        if (pad > 0) {
            emit((1 << pad) - 1, pad);
        }
        int used = 64 - free;
        ensure(used / 8 * 2 + 2);
        while (used >= 8) {
            used -= 8;
            byte b = (byte) (accumulator >>> used);
            out[pos++] = b;
            if (b == (byte) 0xFF) {
                out[pos++] = 0;
            }
        }
        bytes(0xFF, JpegMarker.EOI);
        return out.length == pos ? out : Arrays.copyOf(out, pos);
    }

    private void bytes(int... values) {
        ensure(values.length);
        for (int value : values) {
            out[pos++] = (byte) value;
        }
    }

    private void ensure(int more) {
        if (pos + more > out.length) {
            out = Arrays.copyOf(out, Math.max(pos + more, out.length + (out.length >> 1)));
        }
    }
}
