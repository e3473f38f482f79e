package io.imgpipe.image;

import io.imgpipe.CompressionException;
import java.util.Arrays;

/**
 * Decodes the scans of a progressive JPEG into the coefficient stores: DC first and refinement
 * scans (interleaved or not), AC first and refinement scans (one component each), with end-of-band
 * runs and restart intervals. Coefficients stay in the source's quantization until every scan is
 * read. The scan parameters are checked as libjpeg checks them; a progression libjpeg would only
 * warn about (a refinement of bits never sent, for example) sends the image to the pixel path.
 * Not thread-safe: one instance per image.
 */
final class ProgressiveScanDecoder {

    /** Per component and coefficient: the lowest bit position known so far, -1 before any scan. */
    private final int[][] knownBits;

    ProgressiveScanDecoder(int components) {
        knownBits = new int[components][64];
        for (int[] bits : knownBits) {
            Arrays.fill(bits, -1);
        }
    }

    /**
     * Decodes one progressive scan into the components' coefficient stores.
     *
     * @param parser positioned at the scan's entropy-coded data; left after it
     * @param scan the scan header
     * @param states every frame component's state, by frame index
     * @throws CompressionException if the scan parameters or the data are invalid
     * @throws PixelPathRequired if the progression is one libjpeg tolerates but this decoder does not
     */
    void decode(JpegParser parser, ScanHeader scan, ComponentState[] states) {
        int ss = scan.spectralStart();
        int se = scan.spectralEnd();
        int ah = scan.approximationHigh();
        int al = scan.approximationLow();
        int count = scan.components().length;
        boolean dcScan = ss == 0;
        if (dcScan ? se != 0 : se < ss || se > 63 || count != 1) {
            throw invalid(scan, "spectral selection " + ss + ".." + se + " with " + count + " component(s)");
        }
        if (ah != 0 && al != ah - 1 || al > 13) {
            throw invalid(scan, "successive approximation Ah=" + ah + " Al=" + al);
        }
        for (int index : scan.components()) {
            int[] known = knownBits[index];
            if (!dcScan && known[0] < 0) {
                throw new PixelPathRequired("scan " + scan.number() + " sends AC coefficients before the DC");
            }
            for (int k = ss; k <= se; k++) {
                if (ah == 0 ? known[k] >= 0 : known[k] != ah) {
                    throw new PixelPathRequired("scan " + scan.number() + " does not follow the progression of earlier scans");
                }
                known[k] = al;
            }
        }
        HuffmanDecodingTable[] tables = new HuffmanDecodingTable[count];
        ComponentState[] scanned = new ComponentState[count];
        for (int i = 0; i < count; i++) {
            scanned[i] = states[scan.components()[i]];
            scanned[i].sourceDc = 0;
            if (dcScan && ah == 0) {
                tables[i] = ScanTables.dc(parser, scan, i);
            } else if (!dcScan) {
                tables[i] = ScanTables.ac(parser, scan, i);
            }
        }
        EntropyReader reader = new EntropyReader(parser.data(), parser.position(), scan.number());
        new Pass(reader, scan, scanned, tables, parser.restartInterval, parser.frame).run();
        parser.resumeAt(reader.finish());
    }

    private static CompressionException invalid(ScanHeader scan, String what) {
        return new CompressionException("corrupt jpeg: progressive scan " + scan.number() + " has invalid parameters: "
                + what);
    }

    /** One scan's decoding state. */
    private static final class Pass {

        private final EntropyReader reader;
        private final ComponentState[] scanned;
        private final HuffmanDecodingTable[] tables;
        private final int restartInterval;
        private final JpegFrame frame;
        private final int ss;
        private final int se;
        private final int al;
        private final boolean refine;
        private final boolean dc;
        private int endOfBandRun;

        Pass(EntropyReader reader, ScanHeader scan, ComponentState[] scanned, HuffmanDecodingTable[] tables,
                int restartInterval, JpegFrame frame) {
            this.reader = reader;
            this.scanned = scanned;
            this.tables = tables;
            this.restartInterval = restartInterval;
            this.frame = frame;
            this.ss = scan.spectralStart();
            this.se = scan.spectralEnd();
            this.al = scan.approximationLow();
            this.refine = scan.approximationHigh() != 0;
            this.dc = ss == 0;
        }

        void run() {
            int restarts = 0;
            int untilRestart = restartInterval;
            if (scanned.length == 1) {
                ComponentState state = scanned[0];
                FrameComponent c = state.component;
                for (int y = 0; y < c.blocksHigh; y++) {
                    int row = y * c.paddedBlocksWide;
                    for (int x = 0; x < c.blocksWide; x++) {
                        if (restartInterval > 0 && untilRestart == 0) {
                            restart(restarts++);
                            untilRestart = restartInterval;
                        }
                        block(state, 0, row + x);
                        untilRestart--;
                    }
                    reader.checkNotOverrun();
                }
                return;
            }
            for (int my = 0; my < frame.mcusHigh; my++) {
                for (int mx = 0; mx < frame.mcusWide; mx++) {
                    if (restartInterval > 0 && untilRestart == 0) {
                        restart(restarts++);
                        untilRestart = restartInterval;
                    }
                    for (int i = 0; i < scanned.length; i++) {
                        ComponentState state = scanned[i];
                        FrameComponent c = state.component;
                        for (int by = 0; by < c.verticalSampling; by++) {
                            int row = (my * c.verticalSampling + by) * c.paddedBlocksWide + mx * c.horizontalSampling;
                            for (int bx = 0; bx < c.horizontalSampling; bx++) {
                                block(state, i, row + bx);
                            }
                        }
                    }
                    untilRestart--;
                }
                reader.checkNotOverrun();
            }
        }

        private void restart(int number) {
            reader.restart(number & 7);
            for (ComponentState state : scanned) {
                state.sourceDc = 0;
            }
            endOfBandRun = 0;
        }

        private void block(ComponentState state, int i, int block) {
            short[] coefficients = state.coefficients;
            int offset = block << 6;
            if (dc) {
                if (refine) {
                    if (reader.bit() != 0) {
                        coefficients[offset] |= (short) (1 << al);
                    }
                } else {
                    int diff = reader.receiveExtend(reader.decode(tables[i]));
                    state.sourceDc += diff;
                    coefficients[offset] = (short) (state.sourceDc << al);
                }
            } else if (refine) {
                refineAc(coefficients, offset, tables[i]);
            } else {
                firstAc(coefficients, offset, tables[i]);
            }
        }

        private void firstAc(short[] coefficients, int offset, HuffmanDecodingTable table) {
            if (endOfBandRun > 0) {
                endOfBandRun--;
                return;
            }
            for (int k = ss; k <= se; k++) {
                int symbol = reader.decode(table);
                int run = symbol >>> 4;
                int size = symbol & 15;
                if (size != 0) {
                    k += run;
                    if (k > se) {
                        throw reader.corrupt("an AC coefficient beyond the scan's spectral end " + se);
                    }
                    coefficients[offset + k] = (short) (reader.receiveExtend(size) << al);
                } else if (run == 15) {
                    k += 15;
                } else {
                    endOfBandRun = (1 << run) - 1;
                    if (run > 0) {
                        endOfBandRun += reader.bits(run);
                    }
                    return;
                }
            }
        }

        private void refineAc(short[] coefficients, int offset, HuffmanDecodingTable table) {
            int plus = 1 << al;
            int minus = -1 << al;
            int k = ss;
            if (endOfBandRun == 0) {
                for (; k <= se; k++) {
                    int symbol = reader.decode(table);
                    int run = symbol >>> 4;
                    int size = symbol & 15;
                    int value = 0;
                    if (size != 0) {
                        if (size != 1) {
                            throw reader.corrupt("an AC refinement coefficient of size " + size + " (must be 1)");
                        }
                        value = reader.bit() != 0 ? plus : minus;
                    } else if (run != 15) {
                        endOfBandRun = 1 << run;
                        if (run > 0) {
                            endOfBandRun += reader.bits(run);
                        }
                        break;
                    }
                    while (k <= se) {
                        int current = coefficients[offset + k];
                        if (current != 0) {
                            refineBit(coefficients, offset + k, current, plus, minus);
                        } else {
                            if (run == 0) {
                                break;
                            }
                            run--;
                        }
                        k++;
                    }
                    if (value != 0) {
                        if (k > se) {
                            throw reader.corrupt("an AC refinement coefficient beyond the scan's spectral end " + se);
                        }
                        coefficients[offset + k] = (short) value;
                    }
                }
            }
            if (endOfBandRun > 0) {
                for (; k <= se; k++) {
                    int current = coefficients[offset + k];
                    if (current != 0) {
                        refineBit(coefficients, offset + k, current, plus, minus);
                    }
                }
                endOfBandRun--;
            }
        }

        private void refineBit(short[] coefficients, int index, int current, int plus, int minus) {
            if (reader.bit() != 0 && (current & plus) == 0) {
                coefficients[index] = (short) (current + (current >= 0 ? plus : minus));
            }
        }
    }
}
