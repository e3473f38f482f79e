package io.imgpipe.image;

import static io.imgpipe.image.TiffOrientation.u32;

import java.nio.charset.StandardCharsets;

/**
 * Reads the EXIF orientation of the chunked formats that carry one: PNG (an {@code eXIf} chunk)
 * and WebP (an {@code EXIF} chunk of the extended format). Only chunk headers are walked; no
 * pixel is decoded. Missing or malformed EXIF reads as {@link ExifOrientation#NORMAL}, as in
 * browsers. Stateless and thread-safe.
 */
final class ChunkedExif {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] RIFF = ascii("RIFF");
    private static final byte[] WEBP = ascii("WEBP");
    private static final byte[] PNG_EXIF = ascii("eXIf");
    private static final byte[] PNG_IDAT = ascii("IDAT");
    private static final byte[] PNG_IEND = ascii("IEND");
    private static final byte[] WEBP_EXIF = ascii("EXIF");

    private ChunkedExif() {
    }

    /**
     * {@return the orientation in its {@code eXIf} chunk (which the specification places before the
     *     image data), or {@link ExifOrientation#NORMAL}}
     *
     * @param png the bytes of a PNG file
     */
    static ExifOrientation png(byte[] png) {
        if (!TiffOrientation.startsWith(png, 0, png.length, PNG_SIGNATURE)) {
            return ExifOrientation.NORMAL;
        }
        int pos = PNG_SIGNATURE.length;
        while (pos + 8 <= png.length) {
            long length = u32(png, pos, true);
            int type = pos + 4;
            long end = type + 4 + length;
            if (end > png.length) {
                return ExifOrientation.NORMAL;
            }
            if (TiffOrientation.startsWith(png, type, type + 4, PNG_EXIF)) {
                ExifOrientation found = TiffOrientation.inBlock(png, type + 4, (int) end);
                return found == null ? ExifOrientation.NORMAL : found;
            }
            if (TiffOrientation.startsWith(png, type, type + 4, PNG_IDAT)
                    || TiffOrientation.startsWith(png, type, type + 4, PNG_IEND)) {
                return ExifOrientation.NORMAL;
            }
            pos = (int) end + 4;
        }
        return ExifOrientation.NORMAL;
    }

    /**
     * {@return the orientation in its {@code EXIF} chunk, or {@link ExifOrientation#NORMAL}}
     *
     * @param webp the bytes of a WebP file
     */
    static ExifOrientation webp(byte[] webp) {
        if (webp.length < 12 || !TiffOrientation.startsWith(webp, 0, 4, RIFF)
                || !TiffOrientation.startsWith(webp, 8, 12, WEBP)) {
            return ExifOrientation.NORMAL;
        }
        long riffEnd = Math.min(webp.length, 8 + u32(webp, 4, false));
        int pos = 12;
        while (pos + 8 <= riffEnd) {
            long size = u32(webp, pos + 4, false);
            long end = pos + 8 + size;
            if (end > riffEnd) {
                return ExifOrientation.NORMAL;
            }
            if (TiffOrientation.startsWith(webp, pos, pos + 4, WEBP_EXIF)) {
                ExifOrientation found = TiffOrientation.inBlock(webp, pos + 8, (int) end);
                return found == null ? ExifOrientation.NORMAL : found;
            }
            pos = (int) (end + (size & 1));
        }
        return ExifOrientation.NORMAL;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
