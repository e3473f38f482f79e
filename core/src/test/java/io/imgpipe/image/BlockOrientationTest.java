package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Turning coefficients gives the coefficients of the turned pixels. */
class BlockOrientationTest {

    @ParameterizedTest
    @EnumSource(ExifOrientation.class)
    void turningCoefficientsEqualsTransformingTheTurnedBlock(ExifOrientation orientation) {
        Random random = new Random(orientation.ordinal());
        double[][] pixels = new double[8][8];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                pixels[y][x] = random.nextInt(256) - 128;
            }
        }
        short[] stored = zigZag(dct(pixels));

        short[] turned = new short[64];
        BlockOrientation.of(orientation).transform(stored, 0, turned);

        assertThat(turned).containsExactly(zigZag(dct(upright(pixels, orientation))));
    }

    /** The upright block, by the same mapping {@link ExifOrientation#apply} uses for whole images. */
    private static double[][] upright(double[][] stored, ExifOrientation orientation) {
        double[][] out = new double[8][8];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case FLIP_HORIZONTAL -> { sx = 7 - x; sy = y; }
                    case ROTATE_180 -> { sx = 7 - x; sy = 7 - y; }
                    case FLIP_VERTICAL -> { sx = x; sy = 7 - y; }
                    case TRANSPOSE -> { sx = y; sy = x; }
                    case ROTATE_90_CW -> { sx = y; sy = 7 - x; }
                    case TRANSVERSE -> { sx = 7 - y; sy = 7 - x; }
                    case ROTATE_90_CCW -> { sx = 7 - y; sy = x; }
                    default -> { sx = x; sy = y; }
                }
                out[y][x] = stored[sy][sx];
            }
        }
        return out;
    }

    private static double[][] dct(double[][] pixels) {
        double[][] out = new double[8][8];
        for (int v = 0; v < 8; v++) {
            for (int u = 0; u < 8; u++) {
                double sum = 0;
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        sum += pixels[y][x] * Math.cos((2 * x + 1) * u * Math.PI / 16) * Math.cos((2 * y + 1) * v * Math.PI / 16);
                    }
                }
                double cu = u == 0 ? Math.sqrt(0.5) : 1;
                double cv = v == 0 ? Math.sqrt(0.5) : 1;
                out[v][u] = sum * cu * cv / 4;
            }
        }
        return out;
    }

    private static short[] zigZag(double[][] coefficients) {
        short[] out = new short[64];
        for (int k = 0; k < 64; k++) {
            int natural = ZigZag.NATURAL[k];
            out[k] = (short) Math.round(coefficients[natural >>> 3][natural & 7] * 16);
        }
        return out;
    }
}
