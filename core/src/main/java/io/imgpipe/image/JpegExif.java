package io.imgpipe.image;

/**
 * Reads the EXIF orientation of a JPEG from its APP1 segment, walking the markers before the
 * first scan and the first image directory of the TIFF structure; no pixel is decoded and no
 * metadata tree is built. Malformed or missing EXIF reads as {@link ExifOrientation#NORMAL}, as in
 * browsers. Stateless and thread-safe.
 */
final class JpegExif {

    private static final int MARKER_SOI = 0xD8;
    private static final int MARKER_EOI = 0xD9;
    private static final int MARKER_SOS = 0xDA;
    private static final int MARKER_APP1 = 0xE1;
    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;
    private static final byte[] EXIF_HEADER = {'E', 'x', 'i', 'f', 0, 0};

    private JpegExif() {
    }

    /**
     * @param jpeg the bytes of a JPEG file
     * @return the orientation of its first EXIF segment that has one, or {@link ExifOrientation#NORMAL}
     */
    static ExifOrientation orientation(byte[] jpeg) {
        if (jpeg.length < 4 || u8(jpeg, 0) != 0xFF || u8(jpeg, 1) != MARKER_SOI) {
            return ExifOrientation.NORMAL;
        }
        int pos = 2;
        while (pos + 4 <= jpeg.length) {
            if (u8(jpeg, pos) != 0xFF) {
                return ExifOrientation.NORMAL;
            }
            int marker = u8(jpeg, pos + 1);
            if (marker == 0xFF) {
                pos++;
                continue;
            }
            if (marker == MARKER_SOS || marker == MARKER_EOI) {
                return ExifOrientation.NORMAL;
            }
            if (isStandalone(marker)) {
                pos += 2;
                continue;
            }
            int length = u16(jpeg, pos + 2, true);
            int payload = pos + 4;
            int end = pos + 2 + length;
            if (length < 2 || end > jpeg.length) {
                return ExifOrientation.NORMAL;
            }
            if (marker == MARKER_APP1 && startsWith(jpeg, payload, end, EXIF_HEADER)) {
                int value = tiffOrientation(jpeg, payload + EXIF_HEADER.length, end);
                if (value != 0) {
                    return ExifOrientation.fromTagValue(value);
                }
            }
            pos = end;
        }
        return ExifOrientation.NORMAL;
    }

    private static int tiffOrientation(byte[] b, int tiff, int end) {
        if (tiff + 8 > end) {
            return 0;
        }
        boolean bigEndian;
        if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            bigEndian = true;
        } else if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            bigEndian = false;
        } else {
            return 0;
        }
        if (u16(b, tiff + 2, bigEndian) != 42) {
            return 0;
        }
        long ifdOffset = u32(b, tiff + 4, bigEndian);
        if (ifdOffset < 8 || tiff + ifdOffset + 2 > end) {
            return 0;
        }
        int ifd = tiff + (int) ifdOffset;
        int entries = u16(b, ifd, bigEndian);
        for (int i = 0; i < entries; i++) {
            int entry = ifd + 2 + 12 * i;
            if (entry + 12 > end) {
                return 0;
            }
            if (u16(b, entry, bigEndian) == TAG_ORIENTATION) {
                if (u16(b, entry + 2, bigEndian) != TYPE_SHORT || u32(b, entry + 4, bigEndian) < 1) {
                    return 0;
                }
                return u16(b, entry + 8, bigEndian);
            }
        }
        return 0;
    }

    private static boolean isStandalone(int marker) {
        return marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7);
    }

    private static boolean startsWith(byte[] b, int from, int end, byte[] prefix) {
        if (from + prefix.length > end) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    private static int u16(byte[] b, int i, boolean bigEndian) {
        return bigEndian ? u8(b, i) << 8 | u8(b, i + 1) : u8(b, i + 1) << 8 | u8(b, i);
    }

    private static long u32(byte[] b, int i, boolean bigEndian) {
        long high = u16(b, bigEndian ? i : i + 2, bigEndian);
        long low = u16(b, bigEndian ? i + 2 : i, bigEndian);
        return high << 16 | low;
    }
}
