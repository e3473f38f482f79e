package io.imgpipe.fetch;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The image formats the fetcher accepts, recognised by their magic bytes. Anything else,
 * including formats the compressor cannot decode (AVIF, HEIC, JPEG XL, SVG), is refused.
 */
enum ImageFormat {
    JPEG,
    PNG,
    GIF,
    WEBP,
    BMP,
    TIFF;

    /** How many leading bytes {@link #sniff} and {@link #describeUnsupported} look at, at most. */
    static final int SNIFF_LENGTH = 64;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final Set<Integer> BMP_HEADER_SIZES = Set.of(12, 16, 40, 52, 56, 64, 108, 124);
    private static final Set<String> AVIF_BRANDS = Set.of("avif", "avis");
    private static final Set<String> HEIF_BRANDS = Set.of("heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1");

    /**
     * {@return the format, or empty if the bytes are not one of the accepted formats}
     *
     * @param head the first bytes of a body
     * @param length how many of them are valid
     */
    static Optional<ImageFormat> sniff(byte[] head, int length) {
        if (startsWith(head, length, 0, 0xff, 0xd8, 0xff)) {
            return Optional.of(JPEG);
        }
        if (length >= PNG_SIGNATURE.length && regionEquals(head, 0, PNG_SIGNATURE)) {
            return Optional.of(PNG);
        }
        if (ascii(head, length, 0, 6).equals("GIF87a") || ascii(head, length, 0, 6).equals("GIF89a")) {
            return Optional.of(GIF);
        }
        if (ascii(head, length, 0, 4).equals("RIFF") && ascii(head, length, 8, 4).equals("WEBP")) {
            return Optional.of(WEBP);
        }
        if (ascii(head, length, 0, 2).equals("BM") && length >= 18 && BMP_HEADER_SIZES.contains(littleEndianInt(head, 14))) {
            return Optional.of(BMP);
        }
        if (startsWith(head, length, 0, 'I', 'I', 0x2a, 0x00) || startsWith(head, length, 0, 'M', 'M', 0x00, 0x2a)) {
            return Optional.of(TIFF);
        }
        return Optional.empty();
    }

    /**
     * Names what a body that {@link #sniff} refused appears to be, for error messages.
     *
     * @param head the first bytes of the body
     * @param length how many of them are valid
     * @return for example {@code AVIF, an unsupported image format} or {@code HTML, not an image}
     */
    static String describeUnsupported(byte[] head, int length) {
        if (length == 0) {
            return "empty, not an image";
        }
        if (ascii(head, length, 4, 4).equals("ftyp")) {
            String brand = ascii(head, length, 8, 4);
            if (AVIF_BRANDS.contains(brand)) {
                return "AVIF, an unsupported image format";
            }
            if (HEIF_BRANDS.contains(brand)) {
                return "HEIC/HEIF, an unsupported image format";
            }
            return "ISO media (brand '" + brand.trim() + "'), not a supported image format";
        }
        if (startsWith(head, length, 0, 0xff, 0x0a) || startsWith(head, length, 0, 0, 0, 0, 0x0c, 'J', 'X', 'L', ' ')) {
            return "JPEG XL, an unsupported image format";
        }
        if (startsWith(head, length, 0, 0, 0, 1, 0)) {
            return "an ICO icon, an unsupported image format";
        }
        if (startsWith(head, length, 0, 0x1f, 0x8b)) {
            return "gzip-compressed data, not an image";
        }
        if (ascii(head, length, 0, 4).equals("%PDF")) {
            return "a PDF document, not an image";
        }
        String text = leadingText(head, length);
        if (text.startsWith("<svg") || text.startsWith("<?xml") && text.contains("<svg")) {
            return "SVG, an unsupported image format";
        }
        if (text.startsWith("<!doctype html") || text.startsWith("<html") || text.startsWith("<head") || text.startsWith("<body")) {
            return "HTML, not an image";
        }
        if (text.startsWith("<?xml") || text.startsWith("<")) {
            return "XML or markup, not an image";
        }
        if (text.startsWith("{") || text.startsWith("[")) {
            return "JSON, not an image";
        }
        return "not a supported image (first bytes " + hex(head, Math.min(length, 8)) + ")";
    }

    private static String leadingText(byte[] head, int length) {
        int start = 0;
        if (startsWith(head, length, 0, 0xef, 0xbb, 0xbf)) {
            start = 3;
        }
        while (start < length && Character.isWhitespace(head[start])) {
            start++;
        }
        return new String(head, start, length - start, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    }

    private static boolean startsWith(byte[] head, int length, int offset, int... expected) {
        if (length < offset + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((head[offset + i] & 0xff) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean regionEquals(byte[] head, int offset, byte[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (head[offset + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static String ascii(byte[] head, int length, int offset, int count) {
        if (length < offset + count) {
            return "";
        }
        return new String(head, offset, count, StandardCharsets.ISO_8859_1);
    }

    private static int littleEndianInt(byte[] head, int offset) {
        return (head[offset] & 0xff) | (head[offset + 1] & 0xff) << 8 | (head[offset + 2] & 0xff) << 16 | (head[offset + 3] & 0xff) << 24;
    }

    private static String hex(byte[] head, int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(String.format("%02x", head[i] & 0xff));
        }
        return out.toString();
    }
}
