package io.imgpipe.image;

/**
 * Maps quantized DCT coefficients from a source quantization table to an output table: a
 * coefficient {@code c} of step {@code s} becomes the output multiple of step {@code t} nearest to
 * {@code c * s}, that is {@code round(c * s / t)}, a tie going to the smaller magnitude (same
 * error, fewer bits), clamped to the baseline range of ±{@value EntropyReader#MAX_OUTPUT_MAGNITUDE}.
 * Nearest is what minimises the error against the decoded source, coefficient by coefficient,
 * since the DCT is orthonormal.
 *
 * <p>The division is exact integer arithmetic done as one multiplication and a shift:
 * {@code (|c| * multiply[k] + add[k]) >>> SHIFT}. With {@code N = 2|c|s + t - 1 < 2^24} (|c| ≤
 * 32768, s ≤ 255) and {@code D = 2t < 2^9}, {@code m = ceil(2^33 / D)} gives {@code floor(N / D)}
 * exactly, because the error term is below {@code 2^-9 < 1/D}.
 */
final class Requantizer {

    /** The shift of the fixed-point division. */
    static final int SHIFT = 33;

    private Requantizer() {
    }

    /**
     * Computes the fixed-point factors that map source coefficients to output coefficients.
     *
     * @param source the source table in zig-zag order, values 0 to 255 ({@code null}: the
     *     component was never coded, every coefficient is zero)
     * @param output the output table in zig-zag order, values 1 to 255
     * @param multiply receives the 64 multipliers
     * @param add receives the 64 addends
     */
    static void factors(int[] source, int[] output, long[] multiply, long[] add) {
        for (int k = 0; k < 64; k++) {
            int s = source == null ? 0 : source[k];
            int t = output[k];
            long m = ((1L << SHIFT) + 2L * t - 1) / (2L * t);
            multiply[k] = 2L * s * m;
            add[k] = (t - 1L) * m;
        }
    }

    /** {@return {@code value} requantized with the factors of coefficient {@code k}} */
    static int requantize(int value, int k, long[] multiply, long[] add) {
        int magnitude = value < 0 ? -value : value;
        int out = (int) ((magnitude * multiply[k] + add[k]) >>> SHIFT);
        if (out > EntropyReader.MAX_OUTPUT_MAGNITUDE) {
            out = EntropyReader.MAX_OUTPUT_MAGNITUDE;
        }
        return value < 0 ? -out : out;
    }

    /** Requantizes one stored block in place. */
    static void requantizeBlock(short[] coefficients, int block, long[] multiply, long[] add) {
        int offset = block << 6;
        for (int k = 0; k < 64; k++) {
            int value = coefficients[offset + k];
            if (value != 0) {
                coefficients[offset + k] = (short) requantize(value, k, multiply, add);
            }
        }
    }
}
