package io.imgpipe.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Finds and edits the marker segments of a JPEG before its first scan, for tests. */
final class JpegSegments {

    private JpegSegments() {
    }

    /** @return the offset of the first segment with this marker before the first scan, or -1 */
    static int find(byte[] jpeg, int marker) {
        int pos = 2;
        while (pos + 4 <= jpeg.length) {
            int m = jpeg[pos + 1] & 0xFF;
            if (m == marker) {
                return pos;
            }
            if (m == 0xDA) {
                return -1;
            }
            pos += 2 + ((jpeg[pos + 2] & 0xFF) << 8 | (jpeg[pos + 3] & 0xFF));
        }
        return -1;
    }

    /** @return every whole segment (marker and length included) with this marker before the first scan */
    static List<byte[]> all(byte[] jpeg, int marker) {
        List<byte[]> segments = new ArrayList<>();
        int pos = 2;
        while (pos + 4 <= jpeg.length) {
            int m = jpeg[pos + 1] & 0xFF;
            int end = pos + 2 + ((jpeg[pos + 2] & 0xFF) << 8 | (jpeg[pos + 3] & 0xFF));
            if (m == marker) {
                segments.add(Arrays.copyOfRange(jpeg, pos, end));
            }
            if (m == 0xDA) {
                break;
            }
            pos = end;
        }
        return segments;
    }

    /** @return the offset of the first start-of-frame segment */
    static int frame(byte[] jpeg) {
        for (int marker : new int[] {0xC0, 0xC1, 0xC2}) {
            int at = find(jpeg, marker);
            if (at >= 0) {
                return at;
            }
        }
        throw new IllegalArgumentException("no SOF0-2 segment");
    }

    /** @return a copy whose frame header declares other dimensions */
    static byte[] withDimensions(byte[] jpeg, int width, int height) {
        byte[] copy = jpeg.clone();
        int sof = frame(copy);
        copy[sof + 5] = (byte) (height >>> 8);
        copy[sof + 6] = (byte) height;
        copy[sof + 7] = (byte) (width >>> 8);
        copy[sof + 8] = (byte) width;
        return copy;
    }

    /** @return a copy whose frame marker is another SOF marker */
    static byte[] withFrameMarker(byte[] jpeg, int marker) {
        byte[] copy = jpeg.clone();
        copy[frame(copy) + 1] = (byte) marker;
        return copy;
    }

    /** @return a copy whose frame header declares another sample precision */
    static byte[] withPrecision(byte[] jpeg, int bits) {
        byte[] copy = jpeg.clone();
        copy[frame(copy) + 4] = (byte) bits;
        return copy;
    }
}
