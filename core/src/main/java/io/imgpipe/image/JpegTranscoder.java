package io.imgpipe.image;

import com.twelvemonkeys.imageio.color.ColorProfiles;
import io.imgpipe.CompressionException;

/**
 * Recompresses a JPEG without decoding it to pixels: the scans are entropy-decoded into quantized
 * DCT coefficients, each coefficient is requantized from the source's table to the output's
 * ({@link Requantizer}), the EXIF orientation is done on the blocks ({@link BlockOrientation}), and
 * a baseline JPEG with Huffman tables optimized for the image is written
 * ({@link BaselineJpegWriter}). Sequential and progressive Huffman-coded 8-bit files, grey or
 * YCbCr 4:2:0, with any restart interval, are transcoded; {@link #plan} says why any other file is
 * not, and the caller takes the pixel path for it.
 *
 * <p>Immutable and thread-safe; every call allocates its own state.
 */
final class JpegTranscoder {

    /** More scans than any encoder writes; each costs a pass over the blocks of its components. */
    static final int MAX_SCANS = 100;

    private final OutputQuantTables outputTables;

    /**
     * Creates a {@code JpegTranscoder}.
     *
     * @param quality the output quality, 0.0 to 1.0, as the pixel path's encoder takes it
     */
    JpegTranscoder(float quality) {
        this.outputTables = OutputQuantTables.forQuality(quality);
    }

    /**
     * What the header says about transcoding a file: the frame and first scan if it can be
     * transcoded, otherwise why not.
     */
    static final class Plan {

        final JpegParser parser;
        final JpegFrame frame;
        final ScanHeader firstScan;
        final BlockOrientation orientation;
        final String pixelPathReason;

        private Plan(JpegParser parser, JpegFrame frame, ScanHeader firstScan, BlockOrientation orientation,
                String pixelPathReason) {
            this.parser = parser;
            this.frame = frame;
            this.firstScan = firstScan;
            this.orientation = orientation;
            this.pixelPathReason = pixelPathReason;
        }

        /** {@return whether the file can be transcoded} */
        boolean transcodable() {
            return pixelPathReason == null;
        }

        int uprightWidth() {
            return orientation.transposes() ? frame.height : frame.width;
        }

        int uprightHeight() {
            return orientation.transposes() ? frame.width : frame.height;
        }

        /**
         * {@return the most transcoding allocates for coefficients or output symbols (129 bytes per
         *     stored block, plus one chunk of the symbol stream), plus an allowance for the output
         *     of twice the source's size and 64 KiB}
         */
        long workingBytes() {
            long bytes = 0;
            for (FrameComponent c : frame.components) {
                bytes += ComponentState.bytesFor(c);
            }
            return bytes + SymbolStream.CHUNK_BYTES + 2L * parser.data().length + 64 * 1024;
        }
    }

    /**
     * Reads a JPEG's header, up to its first scan, and decides whether it can be transcoded.
     *
     * @param source a file starting with the SOI marker
     * @param orientation the file's EXIF orientation
     * @return the plan; {@link Plan#transcodable()} is {@code false} for files the pixel path must take
     * @throws CompressionException if the header is malformed
     */
    static Plan plan(byte[] source, ExifOrientation orientation) {
        JpegParser parser = new JpegParser(source);
        JpegFrame frame = parser.readFrame();
        BlockOrientation blocks = BlockOrientation.of(orientation);
        String reason = unsupported(parser, frame, blocks);
        if (reason != null) {
            return new Plan(parser, frame, null, blocks, reason);
        }
        ScanHeader first = parser.nextScan();
        if (parser.sixteenBitQuantTable) {
            return new Plan(parser, frame, first, blocks, "it has quantization steps over 255");
        }
        return new Plan(parser, frame, first, blocks, null);
    }

    private static String unsupported(JpegParser parser, JpegFrame frame, BlockOrientation orientation) {
        int marker = frame.marker;
        if (marker != JpegMarker.SOF0 && marker != JpegMarker.SOF1 && marker != JpegMarker.SOF2) {
            if (marker == JpegMarker.SOF3 || marker == 0xCB) {
                return "it is lossless (" + JpegMarker.name(marker) + ")";
            }
            if (marker >= 0xC9) {
                return "it is arithmetic-coded (" + JpegMarker.name(marker) + ")";
            }
            return "it is hierarchical (" + JpegMarker.name(marker) + ")";
        }
        if (frame.precision != 8) {
            return "it has " + frame.precision + "-bit samples";
        }
        if (frame.height == 0) {
            return "its height is given by a DNL marker";
        }
        int components = frame.components.length;
        if (components != 1 && components != 3) {
            return "it has " + components + " components (CMYK, YCCK or other)";
        }
        if (components == 3) {
            if (parser.adobeTransform == 0 || (!parser.jfif && parser.adobeTransform < 0 && rgbIds(frame))) {
                return "its colours are RGB, not YCbCr";
            }
            if (!frame.isYcc420()) {
                return "its sampling factors are " + frame.samplingFactors() + ", not 4:2:0 (2x2,1x1,1x1)";
            }
        }
        if (parser.hasIccProfile() && !(components == 3 && isSrgb(parser.iccProfile()))) {
            return "its embedded ICC profile is not sRGB, and the pixel path converts its colours";
        }
        if (!orientation.isExactFor(frame)) {
            return "EXIF orientation " + orientation.orientation().tagValue() + " needs whole MCUs of "
                    + 8 * frame.maxHorizontalSampling + "x" + 8 * frame.maxVerticalSampling + " pixels along each "
                    + "mirrored axis, and the image is " + frame.width + "x" + frame.height;
        }
        for (FrameComponent c : frame.components) {
            if (c.paddedBlocks() * 64 > Integer.MAX_VALUE - 64) {
                return "it is too large for coefficient arrays";
            }
        }
        return null;
    }

    /**
     * Decides as the pixel path's JPEG reader (TwelveMonkeys) does whether a profile needs no
     * conversion; a profile it cannot read counts as needing one.
     */
    private static boolean isSrgb(byte[] profile) {
        try {
            return ColorProfiles.isCS_sRGB(ColorProfiles.createProfileRaw(profile));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean rgbIds(JpegFrame frame) {
        return frame.components[0].id == 'R' && frame.components[1].id == 'G' && frame.components[2].id == 'B';
    }

    /**
     * Transcodes a file whose plan says it can be; call only after the pixel limit is checked.
     *
     * @param plan a transcodable plan, used once
     * @return the output JPEG
     * @throws CompressionException if the data is corrupt or truncated
     * @throws PixelPathRequired if the file turns out to need the pixel path
     */
    byte[] transcode(Plan plan) {
        JpegFrame frame = plan.frame;
        boolean inOutputOrder = !frame.progressive() && plan.firstScan.components().length == frame.components.length
                && plan.orientation.isIdentity();
        if (inOutputOrder) {
            try {
                return transcode(plan, true);
            } catch (SymbolStream.Overflow e) {
                return transcode(plan(plan.parser.data(), plan.orientation.orientation()), false);
            }
        }
        return transcode(plan, false);
    }

    /**
     * Transcodes the planned file.
     *
     * @param streamed decode straight into a {@link SymbolStream} (a single-scan sequential file
     *     kept upright) rather than into the coefficient store
     */
    byte[] transcode(Plan plan, boolean streamed) {
        JpegParser parser = plan.parser;
        JpegFrame frame = plan.frame;
        int count = frame.components.length;
        long[][] dcFrequencies = {new long[257], new long[257]};
        long[][] acFrequencies = {new long[257], new long[257]};
        ComponentState[] states = new ComponentState[count];
        long blocks = 0;
        for (int i = 0; i < count; i++) {
            int table = i == 0 ? 0 : 1;
            states[i] = new ComponentState(frame.components[i], dcFrequencies[table], acFrequencies[table], !streamed);
            blocks += frame.components[i].paddedBlocks();
        }
        SymbolStream stream = streamed ? new SymbolStream(blocks) : null;
        boolean progressive = frame.progressive();
        boolean countedWhileDecoding = streamed || !progressive && plan.firstScan.components().length == count
                && plan.orientation.isIdentity();
        ProgressiveScanDecoder progression = progressive ? new ProgressiveScanDecoder(count) : null;
        boolean[] scanned = new boolean[count];
        int scans = 0;
        for (ScanHeader scan = plan.firstScan; scan != null; scan = parser.nextScan()) {
            if (++scans > MAX_SCANS) {
                throw new CompressionException("corrupt jpeg: more than " + MAX_SCANS + " scans");
            }
            for (int index : scan.components()) {
                if (scanned[index] && !progressive) {
                    throw new CompressionException("corrupt jpeg: scan " + scan.number() + " codes component "
                            + frame.components[index].id + " again (a sequential JPEG codes each component once)");
                }
                if (!scanned[index]) {
                    latchQuantTable(parser, frame.components[index], states[index], scan, plan.orientation);
                    scanned[index] = true;
                }
            }
            if (progressive) {
                progression.decode(parser, scan, states);
            } else {
                SequentialScanDecoder.decode(parser, scan, states, stream);
            }
        }
        if (!parser.sawEndOfImage() && (progressive || !allTrue(scanned))) {
            throw new CompressionException("truncated jpeg: the data ends after scan " + scans
                    + " without an end-of-image marker");
        }
        if (progressive) {
            requantize(states);
        }
        OutputBlocks outputBlocks = new OutputBlocks(frame, states, plan.orientation);
        if (!countedWhileDecoding) {
            for (int t = 0; t < 2; t++) {
                java.util.Arrays.fill(dcFrequencies[t], 0);
                java.util.Arrays.fill(acFrequencies[t], 0);
            }
            outputBlocks.forEach(new HuffmanStatistics());
        }
        boolean grey = count == 1;
        int tables = grey ? 1 : 2;
        HuffmanEncodingTable[] dc = new HuffmanEncodingTable[tables];
        HuffmanEncodingTable[] ac = new HuffmanEncodingTable[tables];
        long bits = 0;
        for (int t = 0; t < tables; t++) {
            dc[t] = HuffmanEncodingTable.optimal(dcFrequencies[t]);
            ac[t] = HuffmanEncodingTable.optimal(acFrequencies[t]);
            bits += codedBits(dcFrequencies[t], dc[t], true) + codedBits(acFrequencies[t], ac[t], false);
        }
        long entropyBytes = bits / 8 + 1;
        BaselineJpegWriter writer = new BaselineJpegWriter((int) Math.min(Integer.MAX_VALUE - 64,
                entropyBytes + entropyBytes / 128 + 2048));
        int[][] quant = {outputTables.luminance, outputTables.chrominance};
        writer.writeHeaders(plan.uprightWidth(), plan.uprightHeight(), grey, quant, dc, ac);
        if (streamed) {
            writer.encode(stream, dc, ac);
        } else {
            outputBlocks.forEach(writer);
        }
        return writer.finish();
    }

    private void latchQuantTable(JpegParser parser, FrameComponent component, ComponentState state, ScanHeader scan,
            BlockOrientation orientation) {
        int[] table = parser.quantTables[component.quantTable];
        if (table == null) {
            throw new CompressionException("corrupt jpeg: scan " + scan.number() + " codes component " + component.id
                    + " whose quantization table " + component.quantTable + " is not defined");
        }
        state.sourceTable = table.clone();
        int[] output = orientation.inStoredOrder(component.index == 0 ? outputTables.luminance
                : outputTables.chrominance);
        Requantizer.factors(state.sourceTable, output, state.requantMultiply, state.requantAdd);
    }

    private static void requantize(ComponentState[] states) {
        for (ComponentState state : states) {
            short[] coefficients = state.coefficients;
            int blocks = state.lastNonzero.length;
            for (int block = 0; block < blocks; block++) {
                Requantizer.requantizeBlock(coefficients, block, state.requantMultiply, state.requantAdd);
                int offset = block << 6;
                int last = 63;
                while (last > 0 && coefficients[offset + last] == 0) {
                    last--;
                }
                state.lastNonzero[block] = (byte) last;
            }
        }
    }

    private static long codedBits(long[] frequencies, HuffmanEncodingTable table, boolean dc) {
        long bits = 0;
        for (int symbol = 0; symbol < 256; symbol++) {
            long f = frequencies[symbol];
            if (f != 0) {
                bits += f * (table.lengths[symbol] + (dc ? symbol : symbol & 15));
            }
        }
        return bits;
    }

    private static boolean allTrue(boolean[] values) {
        for (boolean v : values) {
            if (!v) {
                return false;
            }
        }
        return true;
    }
}
