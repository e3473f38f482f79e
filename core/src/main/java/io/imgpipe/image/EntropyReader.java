package io.imgpipe.image;

import io.imgpipe.CompressionException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads the entropy-coded data of one scan from the file's bytes: a 64-bit bit buffer filled a
 * byte at a time, with stuffed zero bytes removed, that stops at the next marker and then feeds
 * zero bits. Using any of those zero bits means the data ended early; {@link #checkNotOverrun()}
 * turns that into an error.
 *
 * <p>The hot path of sequential decoding, {@link #decodeSequentialBlock}, lives here so that the
 * bit buffer stays in local variables while a block is decoded. Not thread-safe.
 */
final class EntropyReader {

    private static final int LOOKAHEAD = HuffmanDecodingTable.LOOKAHEAD;
    private static final int LOOKAHEAD_MASK = (1 << LOOKAHEAD) - 1;
    /** Requantized coefficients are clamped to what a baseline 8-bit JPEG can code. */
    static final int MAX_OUTPUT_MAGNITUDE = 1023;

    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final byte[] data;
    private final int scanNumber;
    private int pos;
    private long bits;
    private int count;
    private int padding;
    private int markerPos = -1;

    /**
     * Creates an {@code EntropyReader}.
     *
     * @param data the whole file
     * @param start the first byte after the SOS segment
     * @param scanNumber the scan's number, for messages
     */
    EntropyReader(byte[] data, int start, int scanNumber) {
        this.data = data;
        this.pos = start;
        this.scanNumber = scanNumber;
    }

    /**
     * Tops the buffer up to at least 33 bits: eight bytes at a time where none of them is 0xFF,
     * byte by byte otherwise, and with zero bits once a marker or the end of the data is reached.
     */
    void fill() {
        int pos = this.pos;
        if (markerPos < 0 && pos + 8 <= data.length) {
            long word = (long) BIG_ENDIAN_LONG.get(data, pos);
            long inverted = ~word;
            if (((inverted - 0x0101010101010101L) & ~inverted & 0x8080808080808080L) == 0) {
                int bytes = (63 - count) >>> 3;
                bits = bits << (bytes << 3) | word >>> (64 - (bytes << 3));
                count += bytes << 3;
                this.pos = pos + bytes;
                return;
            }
        }
        fillByBytes();
    }

    private void fillByBytes() {
        while (count <= 56) {
            if (markerPos >= 0 || pos >= data.length) {
                bits <<= 8;
                count += 8;
                padding += 8;
                continue;
            }
            int b = data[pos] & 0xFF;
            if (b == 0xFF) {
                int next = pos + 1;
                while (next < data.length && data[next] == (byte) 0xFF) {
                    next++;
                }
                if (next < data.length && data[next] == 0) {
                    pos = next + 1;
                } else {
                    markerPos = pos;
                    continue;
                }
            } else {
                pos++;
            }
            bits = bits << 8 | b;
            count += 8;
        }
    }

    /**
     * Checks that decoding stayed inside this scan's data.
     *
     * @throws CompressionException if decoding has used bits past the end of this scan's data
     */
    void checkNotOverrun() {
        if (count < padding) {
            throw corrupt("the entropy-coded data ends early (truncated file, or corrupt data)");
        }
    }

    /** {@return one bit} */
    int bit() {
        if (count < 1) {
            fill();
        }
        count--;
        return (int) (bits >>> count) & 1;
    }

    /** {@return {@code length} bits (0 to 16) as an unsigned number} */
    int bits(int length) {
        if (count < length) {
            fill();
        }
        count -= length;
        return (int) (bits >>> count) & ((1 << length) - 1);
    }

    /** {@return the signed value of {@code size} (0 to 15) magnitude bits, as JPEG codes it} */
    int receiveExtend(int size) {
        if (size == 0) {
            return 0;
        }
        int value = bits(size);
        return value < 1 << (size - 1) ? value - (1 << size) + 1 : value;
    }

    /** {@return the next Huffman-coded symbol} */
    int decode(HuffmanDecodingTable table) {
        if (count < 16) {
            fill();
        }
        int entry = table.lookup[(int) (bits >>> (count - LOOKAHEAD)) & LOOKAHEAD_MASK];
        if (entry != 0) {
            count -= entry >>> 8;
            return entry & 0xFF;
        }
        return decodeLongCode(table);
    }

    private int decodeLongCode(HuffmanDecodingTable table) {
        for (int length = LOOKAHEAD + 1; length <= 16; length++) {
            int code = (int) (bits >>> (count - length)) & ((1 << length) - 1);
            if (code <= table.maxCode[length]) {
                int index = table.symbolOffset[length] + code;
                if (index < 0 || index >= table.symbols.length) {
                    break;
                }
                count -= length;
                return table.symbols[index];
            }
        }
        throw corrupt("invalid Huffman code");
    }

    /**
     * Decodes one block of a sequential scan, requantizes it and counts the output's Huffman
     * symbols, touching only the coefficients the source codes.
     *
     * @param coefficients the component's coefficients; the block must still be all zero
     * @param block the block's index in the component
     * @param dc the DC table
     * @param ac the AC table
     * @param state the component's predictors, requantization factors and statistics
     */
    void decodeSequentialBlock(short[] coefficients, int block, HuffmanDecodingTable dc, HuffmanDecodingTable ac,
            ComponentState state) {
        long bits = this.bits;
        int count = this.count;
        if (count < 32) {
            this.bits = bits;
            this.count = count;
            fill();
            bits = this.bits;
            count = this.count;
        }
        int offset = block << 6;
        long[] multiply = state.requantMultiply;
        long[] add = state.requantAdd;

        int entry = dc.lookup[(int) (bits >>> (count - LOOKAHEAD)) & LOOKAHEAD_MASK];
        int size;
        if (entry != 0) {
            count -= entry >>> 8;
            size = entry & 0xFF;
        } else {
            this.count = count;
            size = decodeLongCode(dc);
            count = this.count;
        }
        int diff = 0;
        if (size != 0) {
            count -= size;
            int value = (int) (bits >>> count) & ((1 << size) - 1);
            diff = value < 1 << (size - 1) ? value - (1 << size) + 1 : value;
        }
        int sourceDc = state.sourceDc + diff;
        state.sourceDc = sourceDc;
        int dcValue = (short) sourceDc;
        int dcMagnitude = dcValue < 0 ? -dcValue : dcValue;
        int outDc = (int) ((dcMagnitude * multiply[0] + add[0]) >>> Requantizer.SHIFT);
        if (outDc > MAX_OUTPUT_MAGNITUDE) {
            outDc = MAX_OUTPUT_MAGNITUDE;
        }
        if (dcValue < 0) {
            outDc = -outDc;
        }
        coefficients[offset] = (short) outDc;
        int outDiff = outDc - state.outputDc;
        state.outputDc = outDc;
        state.dcFrequencies[32 - Integer.numberOfLeadingZeros(outDiff < 0 ? -outDiff : outDiff)]++;

        long[] acFrequencies = state.acFrequencies;
        int[] fastAc = ac.fastAc;
        int lastOut = 0;
        int k = 1;
        while (k < 64) {
            if (count < 32) {
                this.bits = bits;
                this.count = count;
                fill();
                bits = this.bits;
                count = this.count;
            }
            int look = (int) (bits >>> (count - LOOKAHEAD)) & LOOKAHEAD_MASK;
            int fast = fastAc[look];
            int value;
            if (fast != 0) {
                count -= fast & 0xFF;
                k += (fast >>> 8) & 0xFF;
                value = fast >> 16;
            } else {
                entry = ac.lookup[look];
                int symbol;
                if (entry != 0) {
                    count -= entry >>> 8;
                    symbol = entry & 0xFF;
                } else {
                    this.count = count;
                    symbol = decodeLongCode(ac);
                    count = this.count;
                }
                size = symbol & 15;
                if (size == 0) {
                    if (symbol == 0xF0) {
                        k += 16;
                        continue;
                    }
                    break;
                }
                k += symbol >>> 4;
                count -= size;
                int raw = (int) (bits >>> count) & ((1 << size) - 1);
                value = raw < 1 << (size - 1) ? raw - (1 << size) + 1 : raw;
            }
            if (k > 63) {
                this.count = count;
                throw corrupt("an AC coefficient beyond the 64th of a block");
            }
            int magnitude = value < 0 ? -value : value;
            int out = (int) ((magnitude * multiply[k] + add[k]) >>> Requantizer.SHIFT);
            if (out != 0) {
                if (out > MAX_OUTPUT_MAGNITUDE) {
                    out = MAX_OUTPUT_MAGNITUDE;
                }
                coefficients[offset + k] = (short) (value < 0 ? -out : out);
                int zeros = k - lastOut - 1;
                while (zeros > 15) {
                    acFrequencies[0xF0]++;
                    zeros -= 16;
                }
                acFrequencies[zeros << 4 | (32 - Integer.numberOfLeadingZeros(out))]++;
                lastOut = k;
            }
            k++;
        }
        if (lastOut < 63) {
            acFrequencies[0]++;
        }
        state.lastNonzero[block] = (byte) lastOut;
        this.bits = bits;
        this.count = count;
    }

    /**
     * Decodes one block of a sequential scan in the output's coding order, requantizes it, counts
     * the output's Huffman symbols and appends them to the symbol stream: the same work as
     * {@link #decodeSequentialBlock}, with the stream as the sink instead of the block's storage.
     *
     * @param stream receives the block's output symbols
     * @param table the output table pair of the component: 0 luminance, 2 chrominance
     * @param dc the DC table
     * @param ac the AC table
     * @param state the component's predictors, requantization factors and statistics
     */
    void decodeSequentialBlock(SymbolStream stream, int table, HuffmanDecodingTable dc, HuffmanDecodingTable ac,
            ComponentState state) {
        long bits = this.bits;
        int count = this.count;
        if (count < 32) {
            this.bits = bits;
            this.count = count;
            fill();
            bits = this.bits;
            count = this.count;
        }
        int[] chunk = stream.chunk;
        int used = stream.used;
        if (used > chunk.length - 68) {
            stream.used = used;
            stream.nextChunk();
            chunk = stream.chunk;
            used = 0;
        }
        long[] multiply = state.requantMultiply;
        long[] add = state.requantAdd;

        int entry = dc.lookup[(int) (bits >>> (count - LOOKAHEAD)) & LOOKAHEAD_MASK];
        int size;
        if (entry != 0) {
            count -= entry >>> 8;
            size = entry & 0xFF;
        } else {
            this.count = count;
            size = decodeLongCode(dc);
            count = this.count;
        }
        int diff = 0;
        if (size != 0) {
            count -= size;
            int value = (int) (bits >>> count) & ((1 << size) - 1);
            diff = value < 1 << (size - 1) ? value - (1 << size) + 1 : value;
        }
        int sourceDc = state.sourceDc + diff;
        state.sourceDc = sourceDc;
        int dcValue = (short) sourceDc;
        int dcMagnitude = dcValue < 0 ? -dcValue : dcValue;
        int outDc = (int) ((dcMagnitude * multiply[0] + add[0]) >>> Requantizer.SHIFT);
        if (outDc > MAX_OUTPUT_MAGNITUDE) {
            outDc = MAX_OUTPUT_MAGNITUDE;
        }
        if (dcValue < 0) {
            outDc = -outDc;
        }
        int outDiff = outDc - state.outputDc;
        state.outputDc = outDc;
        int dcSize = 32 - Integer.numberOfLeadingZeros(outDiff < 0 ? -outDiff : outDiff);
        state.dcFrequencies[dcSize]++;
        chunk[used++] = table << 28 | dcSize << 20 | dcSize << 16
                | ((outDiff < 0 ? outDiff - 1 : outDiff) & ((1 << dcSize) - 1));
        int acTable = (table + 1) << 28;

        long[] acFrequencies = state.acFrequencies;
        int[] fastAc = ac.fastAc;
        int lastOut = 0;
        int k = 1;
        while (k < 64) {
            if (count < 32) {
                this.bits = bits;
                this.count = count;
                fill();
                bits = this.bits;
                count = this.count;
            }
            int look = (int) (bits >>> (count - LOOKAHEAD)) & LOOKAHEAD_MASK;
            int fast = fastAc[look];
            int value;
            if (fast != 0) {
                count -= fast & 0xFF;
                k += (fast >>> 8) & 0xFF;
                value = fast >> 16;
            } else {
                entry = ac.lookup[look];
                int symbol;
                if (entry != 0) {
                    count -= entry >>> 8;
                    symbol = entry & 0xFF;
                } else {
                    this.count = count;
                    symbol = decodeLongCode(ac);
                    count = this.count;
                }
                size = symbol & 15;
                if (size == 0) {
                    if (symbol == 0xF0) {
                        k += 16;
                        continue;
                    }
                    break;
                }
                k += symbol >>> 4;
                count -= size;
                int raw = (int) (bits >>> count) & ((1 << size) - 1);
                value = raw < 1 << (size - 1) ? raw - (1 << size) + 1 : raw;
            }
            if (k > 63) {
                this.count = count;
                throw corrupt("an AC coefficient beyond the 64th of a block");
            }
            int magnitude = value < 0 ? -value : value;
            int out = (int) ((magnitude * multiply[k] + add[k]) >>> Requantizer.SHIFT);
            if (out != 0) {
                if (out > MAX_OUTPUT_MAGNITUDE) {
                    out = MAX_OUTPUT_MAGNITUDE;
                }
                int zeros = k - lastOut - 1;
                while (zeros > 15) {
                    acFrequencies[0xF0]++;
                    chunk[used++] = acTable | 0xF0 << 20;
                    zeros -= 16;
                }
                int outSize = 32 - Integer.numberOfLeadingZeros(out);
                int symbol = zeros << 4 | outSize;
                acFrequencies[symbol]++;
                chunk[used++] = acTable | symbol << 20 | outSize << 16 | ((value < 0 ? ~out : out) & ((1 << outSize) - 1));
                lastOut = k;
            }
            k++;
        }
        if (lastOut < 63) {
            acFrequencies[0]++;
            chunk[used++] = acTable;
        }
        stream.used = used;
        this.bits = bits;
        this.count = count;
    }

    /**
     * Ends a restart interval: checks the data did not run short, and reads the restart marker.
     *
     * @param expected the expected marker number, 0 to 7
     * @throws CompressionException if the next marker is not {@code RSTexpected}
     */
    void restart(int expected) {
        checkNotOverrun();
        int marker = findMarker();
        if (marker != JpegMarker.RST0 + expected) {
            throw corrupt("expected marker RST" + expected + " at byte " + markerPos + ", found "
                    + (marker < 0 ? "the end of the data" : JpegMarker.name(marker)));
        }
        pos = markerPos + 2;
        markerPos = -1;
        bits = 0;
        count = 0;
        padding = 0;
    }

    /**
     * Ends the scan.
     *
     * @return the position of the marker after the scan's data, or the end of the data
     * @throws CompressionException if decoding used bits past the end of the scan's data
     */
    int finish() {
        checkNotOverrun();
        findMarker();
        return markerPos < 0 ? data.length : markerPos;
    }

    /** {@return the marker at or after the current position (skipping stray bytes, as libjpeg does), or -1} */
    private int findMarker() {
        if (markerPos < 0) {
            int p = pos;
            while (p + 1 < data.length) {
                if (data[p] == (byte) 0xFF) {
                    int next = data[p + 1] & 0xFF;
                    if (next != 0 && next != 0xFF) {
                        markerPos = p;
                        break;
                    }
                }
                p++;
            }
            if (markerPos < 0) {
                return -1;
            }
        }
        int next = markerPos + 1;
        while (next < data.length && data[next] == (byte) 0xFF) {
            next++;
        }
        if (next >= data.length) {
            return -1;
        }
        markerPos = next - 1;
        return data[next] & 0xFF;
    }

    /** {@return an error about this scan's data, saying where reading had got to} */
    CompressionException corrupt(String what) {
        return new CompressionException("corrupt jpeg: " + what + " in scan " + scanNumber + " (near byte " + pos + ")");
    }
}
