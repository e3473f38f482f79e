package io.imgpipe.image;

import io.imgpipe.CompressionException;

/**
 * Decodes one scan of a sequential (baseline or extended, Huffman-coded) JPEG into the
 * components' coefficient stores, requantizing each block as it is decoded and counting the
 * output's Huffman symbols (which is all the statistics the output needs when the file is a
 * single interleaved scan and the picture is not turned). Restart intervals are followed. Not
 * thread-safe.
 */
final class SequentialScanDecoder {

    private SequentialScanDecoder() {
    }

    /**
     * Decodes one sequential scan.
     *
     * @param parser positioned at the scan's entropy-coded data; left after it
     * @param scan the scan header
     * @param states every frame component's state, by frame index
     * @param stream where the output symbols go if the scan is decoded in output order (every
     *     component in one scan, picture not turned); {@code null} to store the coefficients
     * @throws CompressionException if a table is missing or the data is corrupt or truncated
     * @throws SymbolStream.Overflow if the stream reaches its cap
     */
    static void decode(JpegParser parser, ScanHeader scan, ComponentState[] states, SymbolStream stream) {
        JpegFrame frame = parser.frame;
        int count = scan.components().length;
        HuffmanDecodingTable[] dc = new HuffmanDecodingTable[count];
        HuffmanDecodingTable[] ac = new HuffmanDecodingTable[count];
        ComponentState[] scanned = new ComponentState[count];
        for (int i = 0; i < count; i++) {
            dc[i] = ScanTables.dc(parser, scan, i);
            ac[i] = ScanTables.ac(parser, scan, i);
            scanned[i] = states[scan.components()[i]];
            scanned[i].sourceDc = 0;
        }
        EntropyReader reader = new EntropyReader(parser.data(), parser.position(), scan.number());
        int restartInterval = parser.restartInterval;
        int restarts = 0;
        int untilRestart = restartInterval;
        if (count == 1) {
            ComponentState state = scanned[0];
            FrameComponent c = state.component;
            short[] coefficients = state.coefficients;
            int total = c.blocksWide * c.blocksHigh;
            int done = 0;
            for (int y = 0; y < c.blocksHigh; y++) {
                int row = y * c.paddedBlocksWide;
                for (int x = 0; x < c.blocksWide; x++) {
                    if (restartInterval > 0 && untilRestart == 0) {
                        reader.restart(restarts++ & 7);
                        state.sourceDc = 0;
                        untilRestart = restartInterval;
                    }
                    if (stream != null) {
                        reader.decodeSequentialBlock(stream, 0, dc[0], ac[0], state);
                    } else {
                        reader.decodeSequentialBlock(coefficients, row + x, dc[0], ac[0], state);
                    }
                    untilRestart--;
                    done++;
                }
                reader.checkNotOverrun();
            }
            assert done == total;
        } else {
            for (int my = 0; my < frame.mcusHigh; my++) {
                for (int mx = 0; mx < frame.mcusWide; mx++) {
                    if (restartInterval > 0 && untilRestart == 0) {
                        reader.restart(restarts++ & 7);
                        for (ComponentState state : scanned) {
                            state.sourceDc = 0;
                        }
                        untilRestart = restartInterval;
                    }
                    for (int i = 0; i < count; i++) {
                        ComponentState state = scanned[i];
                        FrameComponent c = state.component;
                        int h = c.horizontalSampling;
                        int v = c.verticalSampling;
                        if (stream != null) {
                            int table = c.index == 0 ? 0 : 2;
                            for (int b = h * v; b > 0; b--) {
                                reader.decodeSequentialBlock(stream, table, dc[i], ac[i], state);
                            }
                            continue;
                        }
                        for (int by = 0; by < v; by++) {
                            int row = (my * v + by) * c.paddedBlocksWide + mx * h;
                            for (int bx = 0; bx < h; bx++) {
                                reader.decodeSequentialBlock(state.coefficients, row + bx, dc[i], ac[i], state);
                            }
                        }
                    }
                    untilRestart--;
                }
                reader.checkNotOverrun();
            }
        }
        parser.resumeAt(reader.finish());
    }
}
