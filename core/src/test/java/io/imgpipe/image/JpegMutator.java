package io.imgpipe.image;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Derives malformed JPEGs from valid ones, the way a coverage-blind fuzzer would: bit flips,
 * bytes set to boundary values, 16-bit fields (segment lengths, dimensions) set to extremes,
 * truncation, deleted, duplicated and moved ranges, inserted markers. Half of the edits land in the
 * first 700 bytes, where the marker segments of a small file are. Deterministic for a seed.
 */
final class JpegMutator {

    private static final int[] INTERESTING_BYTES = {0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF, 0x0F, 0x10, 0x11, 0x22, 0x3F};
    private static final int[] INTERESTING_SHORTS = {0, 1, 2, 3, 0x7FFF, 0x8000, 0xFFFF, 0xFFFE, 0x0100, 0x4000};
    private static final int[] MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC9, 0xCC, 0xD0, 0xD3, 0xD7, 0xD8, 0xD9,
        0xDA, 0xDB, 0xDC, 0xDD, 0xE0, 0xE1, 0xEE, 0xFE, 0x01, 0x00, 0xFF};

    private JpegMutator() {
    }

    /**
     * @param source a valid JPEG; not modified
     * @param random the source of choices
     * @return a copy with one to four edits
     */
    static byte[] mutate(byte[] source, SplittableRandom random) {
        byte[] data = source.clone();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && data.length > 2; i++) {
            data = edit(data, random);
        }
        return data;
    }

    private static byte[] edit(byte[] data, SplittableRandom random) {
        int at = position(data.length, random);
        switch (random.nextInt(9)) {
            case 0:
                data[at] ^= (byte) (1 << random.nextInt(8));
                return data;
            case 1:
                data[at] = (byte) INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)];
                return data;
            case 2:
                data[at] = (byte) random.nextInt(256);
                return data;
            case 3:
                if (at + 1 < data.length) {
                    int value = INTERESTING_SHORTS[random.nextInt(INTERESTING_SHORTS.length)];
                    data[at] = (byte) (value >>> 8);
                    data[at + 1] = (byte) value;
                }
                return data;
            case 4:
                return Arrays.copyOf(data, Math.max(2, at));
            case 5: {
                int length = Math.min(data.length - at, 1 + random.nextInt(64));
                byte[] out = new byte[data.length - length];
                System.arraycopy(data, 0, out, 0, at);
                System.arraycopy(data, at + length, out, at, data.length - at - length);
                return out;
            }
            case 6: {
                int from = random.nextInt(data.length);
                int length = Math.min(data.length - from, 1 + random.nextInt(64));
                byte[] out = new byte[data.length + length];
                System.arraycopy(data, 0, out, 0, at);
                System.arraycopy(data, from, out, at, length);
                System.arraycopy(data, at, out, at + length, data.length - at);
                return out;
            }
            case 7: {
                byte[] out = new byte[data.length + 2];
                System.arraycopy(data, 0, out, 0, at);
                out[at] = (byte) 0xFF;
                out[at + 1] = (byte) MARKERS[random.nextInt(MARKERS.length)];
                System.arraycopy(data, at, out, at + 2, data.length - at);
                return out;
            }
            default: {
                int from = random.nextInt(data.length);
                int length = Math.min(Math.min(data.length - from, data.length - at), 1 + random.nextInt(32));
                System.arraycopy(data, from, data, at, length);
                return data;
            }
        }
    }

    private static int position(int length, SplittableRandom random) {
        if (random.nextBoolean()) {
            return 2 + random.nextInt(Math.max(1, Math.min(length, 700) - 2));
        }
        return random.nextInt(length);
    }
}
