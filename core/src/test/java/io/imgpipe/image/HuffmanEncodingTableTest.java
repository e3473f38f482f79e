package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HuffmanEncodingTableTest {

    @Test
    void limitsCodesToSixteenBitsEvenForFibonacciFrequencies() {
        long[] frequencies = new long[256];
        long a = 1;
        long b = 1;
        for (int symbol = 0; symbol < 40; symbol++) {
            frequencies[symbol] = a;
            long next = a + b;
            a = b;
            b = next;
        }

        HuffmanEncodingTable table = HuffmanEncodingTable.optimal(frequencies);

        for (int symbol = 0; symbol < 40; symbol++) {
            assertThat(table.lengths[symbol]).isBetween(1, 16);
        }
        assertThat(table.symbols).hasSize(40);
    }

    @Test
    void codesArePrefixFreeAndLeaveTheAllOnesCodeUnused() {
        long[] frequencies = new long[256];
        for (int symbol = 0; symbol < 162; symbol++) {
            frequencies[symbol] = 1 + (symbol * 7919L) % 1000;
        }

        HuffmanEncodingTable table = HuffmanEncodingTable.optimal(frequencies);

        double kraft = 0;
        for (int symbol = 0; symbol < 256; symbol++) {
            if (table.lengths[symbol] > 0) {
                kraft += Math.pow(2, -table.lengths[symbol]);
                assertThat(table.codes[symbol]).isNotEqualTo((1 << table.lengths[symbol]) - 1);
            }
        }
        assertThat(kraft).isLessThan(1.0);
        new HuffmanDecodingTable(table.counts, table.symbols);
    }

    @Test
    void moreFrequentSymbolsNeverGetLongerCodes() {
        long[] frequencies = new long[256];
        for (int symbol = 0; symbol < 30; symbol++) {
            frequencies[symbol] = 1000 - symbol * symbol;
        }

        HuffmanEncodingTable table = HuffmanEncodingTable.optimal(frequencies);

        for (int symbol = 1; symbol < 30; symbol++) {
            assertThat(table.lengths[symbol]).isGreaterThanOrEqualTo(table.lengths[symbol - 1]);
        }
    }

    @Test
    void aSingleSymbolGetsAOneBitCode() {
        long[] frequencies = new long[256];
        frequencies[0] = 12345;

        HuffmanEncodingTable table = HuffmanEncodingTable.optimal(frequencies);

        assertThat(table.lengths[0]).isEqualTo(1);
        assertThat(table.codes[0]).isZero();
    }

    @Test
    void decodingTheCodesGivesTheSymbolsBack() {
        long[] frequencies = new long[256];
        for (int symbol = 0; symbol < 256; symbol += 3) {
            frequencies[symbol] = 1 + symbol % 17 * symbol;
        }
        HuffmanEncodingTable table = HuffmanEncodingTable.optimal(frequencies);
        HuffmanDecodingTable decoding = new HuffmanDecodingTable(table.counts, table.symbols);

        for (int symbol = 0; symbol < 256; symbol += 3) {
            int length = table.lengths[symbol];
            long bits = (long) table.codes[symbol] << (64 - length);
            java.io.ByteArrayOutputStream stuffed = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 8; i++) {
                int b = (int) (bits >>> (56 - 8 * i)) & 0xFF;
                stuffed.write(b);
                if (b == 0xFF) {
                    stuffed.write(0);
                }
            }
            byte[] data = stuffed.toByteArray();
            EntropyReader reader = new EntropyReader(data, 0, 1);
            assertThat(reader.decode(decoding)).as("symbol %d", symbol).isEqualTo(symbol);
        }
    }
}
