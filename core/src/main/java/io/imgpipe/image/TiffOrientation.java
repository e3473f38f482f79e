package io.imgpipe.image;

/**
 * Reads the Orientation tag (0x0112) from the first image directory of an EXIF TIFF structure,
 * wherever its container (a JPEG APP1 segment, a PNG {@code eXIf} chunk, a WebP {@code EXIF}
 * chunk) keeps it. Bounds are checked against the end of the container's block; anything
 * malformed reads as absent. Stateless and thread-safe.
 */
final class TiffOrientation {

    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;
    private static final byte[] EXIF_HEADER = {'E', 'x', 'i', 'f', 0, 0};

    private TiffOrientation() {
    }

    /**
     * Reads a block that holds either the TIFF structure itself or, as some writers store it,
     * the TIFF structure after an {@code Exif\0\0} header.
     *
     * @param b the file's bytes
     * @param from where the block starts
     * @param end where the block ends (exclusive)
     * @return the orientation, or {@code null} if the block has none or is malformed
     */
    static ExifOrientation inBlock(byte[] b, int from, int end) {
        int tiff = startsWith(b, from, end, EXIF_HEADER) ? from + EXIF_HEADER.length : from;
        int value = tagValue(b, tiff, end);
        return value == 0 ? null : ExifOrientation.fromTagValue(value);
    }

    /**
     * {@return the Orientation tag's value, or 0 if absent or malformed}
     *
     * @param b the file's bytes
     * @param tiff where the TIFF header ({@code II*\0} or {@code MM\0*}) starts
     * @param end where the block holding it ends (exclusive)
     */
    static int tagValue(byte[] b, int tiff, int end) {
        if (tiff < 0 || end > b.length || tiff + 8 > end) {
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

    static boolean startsWith(byte[] b, int from, int end, byte[] prefix) {
        if (from < 0 || from + prefix.length > end || end > b.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    static int u16(byte[] b, int i, boolean bigEndian) {
        return bigEndian ? u8(b, i) << 8 | u8(b, i + 1) : u8(b, i + 1) << 8 | u8(b, i);
    }

    static long u32(byte[] b, int i, boolean bigEndian) {
        long high = u16(b, bigEndian ? i : i + 2, bigEndian);
        long low = u16(b, bigEndian ? i + 2 : i, bigEndian);
        return high << 16 | low;
    }
}
