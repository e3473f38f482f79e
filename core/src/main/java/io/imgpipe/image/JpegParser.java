package io.imgpipe.image;

import io.imgpipe.CompressionException;
import java.nio.charset.StandardCharsets;

/**
 * Walks the marker segments of a JPEG file: SOF, DQT, DHT, DRI, SOS, and the APP segments that
 * tell the colour space (JFIF, Adobe) or carry an ICC profile; everything else is skipped by its
 * length. It trusts nothing it reads: every length, table index, table definition, component
 * reference and the order of the markers is checked, and any violation is a
 * {@link CompressionException} that names the segment and the byte offset.
 *
 * <p>Stray bytes between segments are skipped, as libjpeg does. Not thread-safe.
 */
final class JpegParser {

    private static final byte[] JFIF = "JFIF\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ADOBE = "Adobe".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ICC_PROFILE = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);

    private final byte[] data;
    private int pos;
    /** Quantization tables 0-3 in zig-zag order, {@code null} until defined. */
    final int[][] quantTables = new int[4][];
    final HuffmanDecodingTable[] dcTables = new HuffmanDecodingTable[4];
    final HuffmanDecodingTable[] acTables = new HuffmanDecodingTable[4];
    int restartInterval;
    JpegFrame frame;
    boolean jfif;
    int adobeTransform = -1;
    /**
     * Where the payloads of the ICC_PROFILE APP2 segments are (after the sequence and count bytes),
     * as {start, end}, by sequence number: at most 256, so the profile is at most 16 MiB.
     */
    private final java.util.TreeMap<Integer, int[]> iccChunks = new java.util.TreeMap<>();
    boolean sixteenBitQuantTable;
    private int scans;
    private boolean ended;

    /**
     * Creates a {@code JpegParser}.
     *
     * @param data a file that starts with the SOI marker
     */
    JpegParser(byte[] data) {
        if (!startsWithSoi(data)) {
            throw new IllegalArgumentException("not a JPEG");
        }
        this.data = data;
        this.pos = 2;
    }

    /** {@return whether the bytes start with the JPEG SOI marker} */
    static boolean startsWithSoi(byte[] data) {
        return data.length >= 2 && data[0] == (byte) 0xFF && data[1] == (byte) JpegMarker.SOI;
    }

    /**
     * Reads segments up to the frame header, stopping there.
     *
     * @return the frame
     * @throws CompressionException if the data ends or is malformed before a frame header
     */
    JpegFrame readFrame() {
        while (frame == null) {
            int marker = nextMarker();
            if (marker < 0) {
                throw new CompressionException("corrupt jpeg: the data ends before a frame header (SOF)");
            }
            if (marker == JpegMarker.SOS) {
                throw new CompressionException("corrupt jpeg: a scan (SOS) at byte " + (pos - 2)
                        + " comes before the frame header (SOF)");
            }
            if (marker == JpegMarker.EOI) {
                throw new CompressionException("corrupt jpeg: the image ends (EOI) before a frame header (SOF)");
            }
            readSegment(marker);
        }
        return frame;
    }

    /**
     * Reads segments up to the next scan header.
     *
     * @return the scan, with {@link #position()} at its entropy-coded data; {@code null} at EOI,
     *     or at the end of the data after at least one scan ({@link #sawEndOfImage()} tells which)
     * @throws CompressionException if a segment is malformed or out of order
     */
    ScanHeader nextScan() {
        readFrame();
        while (!ended) {
            int marker = nextMarker();
            if (marker < 0) {
                if (scans == 0) {
                    throw new CompressionException("corrupt jpeg: the data ends before the first scan (SOS)");
                }
                return null;
            }
            if (marker == JpegMarker.EOI) {
                if (scans == 0) {
                    throw new CompressionException("corrupt jpeg: the image ends (EOI) before its first scan (SOS)");
                }
                ended = true;
                return null;
            }
            if (marker == JpegMarker.SOS) {
                return readScanHeader();
            }
            readSegment(marker);
        }
        return null;
    }

    /** {@return whether the file has an embedded ICC profile} */
    boolean hasIccProfile() {
        return !iccChunks.isEmpty();
    }

    /** {@return the embedded ICC profile's bytes, its chunks joined in sequence order} */
    byte[] iccProfile() {
        java.io.ByteArrayOutputStream profile = new java.io.ByteArrayOutputStream();
        for (int[] chunk : iccChunks.values()) {
            profile.write(data, chunk[0], chunk[1] - chunk[0]);
        }
        return profile.toByteArray();
    }

    /** {@return whether the EOI marker was read} */
    boolean sawEndOfImage() {
        return ended;
    }

    /** {@return the current read position} */
    int position() {
        return pos;
    }

    /**
     * Moves the read position.
     *
     * @param position where to go on reading markers, after a scan's entropy-coded data
     */
    void resumeAt(int position) {
        this.pos = position;
    }

    byte[] data() {
        return data;
    }

    /** {@return the next marker (fill bytes and stray bytes skipped), or -1 at the end of the data} */
    private int nextMarker() {
        while (pos + 1 < data.length) {
            if (data[pos] != (byte) 0xFF) {
                pos++;
                continue;
            }
            int marker = data[pos + 1] & 0xFF;
            if (marker == 0xFF || marker == 0) {
                pos++;
                continue;
            }
            pos += 2;
            return marker;
        }
        pos = data.length;
        return -1;
    }

    private void readSegment(int marker) {
        if (JpegMarker.isStandalone(marker)) {
            if (marker == JpegMarker.SOI) {
                throw corrupt(marker, pos - 2, "a second start of image");
            }
            if (marker != JpegMarker.TEM) {
                throw corrupt(marker, pos - 2, "a restart marker outside a scan");
            }
            return;
        }
        int start = pos - 2;
        if (pos + 2 > data.length) {
            throw corrupt(marker, start, "the data ends inside the segment's length field (truncated file)");
        }
        int length = u16(pos);
        if (length < 2) {
            throw corrupt(marker, start, "declared length " + length + " is less than 2");
        }
        int end = pos + length;
        if (end > data.length) {
            throw corrupt(marker, start, "declared length " + length + " runs past the end of the data ("
                    + (data.length - pos) + " bytes left; truncated file)");
        }
        int body = pos + 2;
        if (JpegMarker.isStartOfFrame(marker)) {
            readFrameHeader(marker, start, body, end);
        } else {
            switch (marker) {
                case JpegMarker.DQT:
                    readQuantTables(start, body, end);
                    break;
                case JpegMarker.DHT:
                    readHuffmanTables(start, body, end);
                    break;
                case JpegMarker.DRI:
                    if (length != 4) {
                        throw corrupt(marker, start, "length " + length + " is not 4");
                    }
                    restartInterval = u16(body);
                    break;
                case JpegMarker.APP0:
                    jfif |= startsWith(body, end, JFIF);
                    break;
                case JpegMarker.APP2:
                    if (startsWith(body, end, ICC_PROFILE) && end - body >= ICC_PROFILE.length + 2) {
                        int sequence = data[body + ICC_PROFILE.length] & 0xFF;
                        iccChunks.put(sequence, new int[] {body + ICC_PROFILE.length + 2, end});
                    }
                    break;
                case JpegMarker.APP14:
                    if (startsWith(body, end, ADOBE) && end - body >= 12) {
                        adobeTransform = data[body + 11] & 0xFF;
                    }
                    break;
                default:
                    break;
            }
        }
        pos = end;
    }

    private void readFrameHeader(int marker, int start, int body, int end) {
        if (frame != null) {
            throw corrupt(marker, start, "a second frame header (only one frame per file is allowed)");
        }
        if (end - body < 6) {
            throw corrupt(marker, start, "a frame header of " + (end - body) + " bytes is too short");
        }
        int precision = data[body] & 0xFF;
        int height = u16(body + 1);
        int width = u16(body + 3);
        int count = data[body + 5] & 0xFF;
        if (end - body != 6 + 3 * count) {
            throw corrupt(marker, start, "length " + (end - body + 2) + " does not fit " + count + " components");
        }
        if (count == 0) {
            throw corrupt(marker, start, "the frame has no components");
        }
        if (width == 0) {
            throw corrupt(marker, start, "the frame is 0 pixels wide");
        }
        FrameComponent[] components = new FrameComponent[count];
        for (int i = 0; i < count; i++) {
            int p = body + 6 + 3 * i;
            int id = data[p] & 0xFF;
            int h = (data[p + 1] & 0xFF) >>> 4;
            int v = data[p + 1] & 15;
            int table = data[p + 2] & 0xFF;
            if (h < 1 || h > 4 || v < 1 || v > 4) {
                throw corrupt(marker, start, "component " + id + " has sampling factors " + h + "x" + v
                        + " (each must be 1 to 4)");
            }
            if (table > 3) {
                throw corrupt(marker, start, "component " + id + " uses quantization table " + table + " (0-3 exist)");
            }
            for (int j = 0; j < i; j++) {
                if (components[j].id == id) {
                    throw corrupt(marker, start, "component id " + id + " appears twice");
                }
            }
            components[i] = new FrameComponent(i, id, h, v, table);
        }
        frame = new JpegFrame(marker, precision, width, height, components);
    }

    private void readQuantTables(int start, int body, int end) {
        int p = body;
        while (p < end) {
            int precision = (data[p] & 0xFF) >>> 4;
            int id = data[p] & 15;
            if (precision > 1) {
                throw corrupt(JpegMarker.DQT, start, "table " + id + " has precision code " + precision + " (0 or 1)");
            }
            if (id > 3) {
                throw corrupt(JpegMarker.DQT, start, "table id " + id + " (0-3 exist)");
            }
            int size = precision == 0 ? 64 : 128;
            if (p + 1 + size > end) {
                throw corrupt(JpegMarker.DQT, start, "table " + id + " runs past the end of the segment");
            }
            int[] table = new int[64];
            for (int k = 0; k < 64; k++) {
                table[k] = precision == 0 ? data[p + 1 + k] & 0xFF : u16(p + 1 + 2 * k);
                if (table[k] > 255) {
                    sixteenBitQuantTable = true;
                }
            }
            quantTables[id] = table;
            p += 1 + size;
        }
    }

    private void readHuffmanTables(int start, int body, int end) {
        int p = body;
        while (p < end) {
            int tableClass = (data[p] & 0xFF) >>> 4;
            int id = data[p] & 15;
            if (tableClass > 1 || id > 3) {
                throw corrupt(JpegMarker.DHT, start, "table class " + tableClass + " id " + id
                        + " (class 0-1, id 0-3 exist)");
            }
            if (p + 17 > end) {
                throw corrupt(JpegMarker.DHT, start, "the code counts run past the end of the segment");
            }
            int[] counts = new int[16];
            int total = 0;
            for (int i = 0; i < 16; i++) {
                counts[i] = data[p + 1 + i] & 0xFF;
                total += counts[i];
            }
            if (total > 256) {
                throw corrupt(JpegMarker.DHT, start, "table " + id + " declares " + total + " codes (at most 256)");
            }
            if (p + 17 + total > end) {
                throw corrupt(JpegMarker.DHT, start, "the symbols of table " + id + " run past the end of the segment");
            }
            int[] symbols = new int[total];
            for (int i = 0; i < total; i++) {
                symbols[i] = data[p + 17 + i] & 0xFF;
            }
            HuffmanDecodingTable table;
            try {
                table = new HuffmanDecodingTable(counts, symbols);
            } catch (IllegalArgumentException e) {
                throw corrupt(JpegMarker.DHT, start, (tableClass == 0 ? "DC" : "AC") + " table " + id
                        + " is not a valid Huffman code: " + e.getMessage());
            }
            (tableClass == 0 ? dcTables : acTables)[id] = table;
            p += 17 + total;
        }
    }

    private ScanHeader readScanHeader() {
        int start = pos - 2;
        if (pos + 3 > data.length) {
            throw corrupt(JpegMarker.SOS, start, "the data ends inside the scan header (truncated file)");
        }
        int length = u16(pos);
        int count = data[pos + 2] & 0xFF;
        if (count < 1 || count > 4) {
            throw corrupt(JpegMarker.SOS, start, "a scan of " + count + " components (1 to 4 allowed)");
        }
        if (length != 6 + 2 * count) {
            throw corrupt(JpegMarker.SOS, start, "length " + length + " does not fit " + count + " components");
        }
        if (pos + length > data.length) {
            throw corrupt(JpegMarker.SOS, start, "the scan header runs past the end of the data (truncated file)");
        }
        int[] components = new int[count];
        int[] dc = new int[count];
        int[] ac = new int[count];
        int blocksPerMcu = 0;
        for (int i = 0; i < count; i++) {
            int p = pos + 3 + 2 * i;
            int id = data[p] & 0xFF;
            int index = componentIndex(id);
            if (index < 0) {
                throw corrupt(JpegMarker.SOS, start, "the scan names component " + id + ", which the frame does not have");
            }
            for (int j = 0; j < i; j++) {
                if (components[j] == index) {
                    throw corrupt(JpegMarker.SOS, start, "the scan names component " + id + " twice");
                }
            }
            components[i] = index;
            dc[i] = (data[p + 1] & 0xFF) >>> 4;
            ac[i] = data[p + 1] & 15;
            if (dc[i] > 3 || ac[i] > 3) {
                throw corrupt(JpegMarker.SOS, start, "component " + id + " selects Huffman tables " + dc[i] + "/" + ac[i]
                        + " (0-3 exist)");
            }
            FrameComponent c = frame.components[index];
            blocksPerMcu += c.horizontalSampling * c.verticalSampling;
        }
        if (count > 1 && blocksPerMcu > 10) {
            throw corrupt(JpegMarker.SOS, start, "an interleaved scan with " + blocksPerMcu + " blocks per MCU (at most 10)");
        }
        int p = pos + 3 + 2 * count;
        int spectralStart = data[p] & 0xFF;
        int spectralEnd = data[p + 1] & 0xFF;
        int high = (data[p + 2] & 0xFF) >>> 4;
        int low = data[p + 2] & 15;
        pos += length;
        scans++;
        return new ScanHeader(components, dc, ac, spectralStart, spectralEnd, high, low, scans);
    }

    private int componentIndex(int id) {
        for (FrameComponent c : frame.components) {
            if (c.id == id) {
                return c.index;
            }
        }
        return -1;
    }

    private boolean startsWith(int from, int end, byte[] prefix) {
        if (end - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private int u16(int p) {
        return (data[p] & 0xFF) << 8 | (data[p + 1] & 0xFF);
    }

    private static CompressionException corrupt(int marker, int offset, String what) {
        return new CompressionException("corrupt jpeg: " + JpegMarker.name(marker) + " segment at byte " + offset
                + ": " + what);
    }
}
