package io.imgpipe.image;

import static io.imgpipe.image.TiffOrientation.u16;
import static io.imgpipe.image.TiffOrientation.u8;

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
    private static final byte[] EXIF_HEADER = {'E', 'x', 'i', 'f', 0, 0};

    private JpegExif() {
    }

    /**
     * {@return the orientation of its first EXIF segment that has one, or {@link ExifOrientation#NORMAL}}
     *
     * @param jpeg the bytes of a JPEG file
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
            if (marker == MARKER_APP1 && TiffOrientation.startsWith(jpeg, payload, end, EXIF_HEADER)) {
                int value = TiffOrientation.tagValue(jpeg, payload + EXIF_HEADER.length, end);
                if (value != 0) {
                    return ExifOrientation.fromTagValue(value);
                }
            }
            pos = end;
        }
        return ExifOrientation.NORMAL;
    }

    private static boolean isStandalone(int marker) {
        return marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7);
    }
}
