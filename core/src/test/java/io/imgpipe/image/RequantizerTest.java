package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequantizerTest {

    private static final int[] MAGNITUDES = {0, 1, 2, 3, 5, 7, 10, 31, 64, 100, 127, 255, 256, 511, 1000, 1023, 1024,
        2047, 2048, 4095, 8191, 16383, 32767, 32768};

    @Test
    void givesTheNearestOutputMultipleForEveryPairOfSteps() {
        long[] multiply = new long[64];
        long[] add = new long[64];
        int[] source = new int[64];
        int[] output = new int[64];
        for (int s = 0; s <= 255; s++) {
            for (int t = 1; t <= 255; t++) {
                java.util.Arrays.fill(source, s);
                java.util.Arrays.fill(output, t);
                Requantizer.factors(source, output, multiply, add);
                for (int magnitude : MAGNITUDES) {
                    for (int sign : new int[] {1, -1}) {
                        int value = sign * magnitude;
                        assertThat(Requantizer.requantize(value, 5, multiply, add)).as("%d * %d / %d", value, s, t)
                                .isEqualTo(expected(value, s, t));
                    }
                }
            }
        }
    }

    @Test
    void sendsTiesToTheSmallerMagnitude() {
        long[] multiply = new long[64];
        long[] add = new long[64];
        int[] one = new int[64];
        int[] two = new int[64];
        java.util.Arrays.fill(one, 1);
        java.util.Arrays.fill(two, 2);
        Requantizer.factors(one, two, multiply, add);

        assertThat(Requantizer.requantize(3, 0, multiply, add)).isEqualTo(1);
        assertThat(Requantizer.requantize(-3, 0, multiply, add)).isEqualTo(-1);
        assertThat(Requantizer.requantize(1, 0, multiply, add)).isZero();
    }

    @Test
    void clampsToTheBaselineRange() {
        long[] multiply = new long[64];
        long[] add = new long[64];
        int[] coarse = new int[64];
        int[] fine = new int[64];
        java.util.Arrays.fill(coarse, 255);
        java.util.Arrays.fill(fine, 1);
        Requantizer.factors(coarse, fine, multiply, add);

        assertThat(Requantizer.requantize(100, 0, multiply, add)).isEqualTo(1023);
        assertThat(Requantizer.requantize(-100, 0, multiply, add)).isEqualTo(-1023);
    }

    private static int expected(int value, int s, int t) {
        long product = (long) Math.abs(value) * s;
        long quotient = product / t;
        long remainder = product % t;
        long rounded = 2 * remainder > t ? quotient + 1 : quotient;
        int out = (int) Math.min(rounded, EntropyReader.MAX_OUTPUT_MAGNITUDE);
        return value < 0 ? -out : out;
    }
}
