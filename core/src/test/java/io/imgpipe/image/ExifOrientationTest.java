package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExifOrientationTest {

    private static final int W = 3;
    private static final int H = 2;

    @ParameterizedTest
    @EnumSource(ExifOrientation.class)
    void turnsColourPixelsUprightExactly(ExifOrientation orientation) {
        assertUpright(orientation, BufferedImage.TYPE_3BYTE_BGR);
    }

    @ParameterizedTest
    @EnumSource(ExifOrientation.class)
    void turnsGrayPixelsUprightExactly(ExifOrientation orientation) {
        assertUpright(orientation, BufferedImage.TYPE_BYTE_GRAY);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 9, -1, 255})
    void treatsUnknownTagValuesAsNormal(int value) {
        assertThat(ExifOrientation.fromTagValue(value)).isEqualTo(ExifOrientation.NORMAL);
    }

    @ParameterizedTest
    @EnumSource(ExifOrientation.class)
    void mapsTagValuesBothWays(ExifOrientation orientation) {
        assertThat(ExifOrientation.fromTagValue(orientation.tagValue())).isEqualTo(orientation);
    }

    private static void assertUpright(ExifOrientation orientation, int type) {
        BufferedImage stored = new BufferedImage(W, H, type);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                stored.getRaster().setSample(x, y, 0, value(x, y));
            }
        }

        BufferedImage upright = orientation.apply(stored);

        boolean swapped = orientation.swapsAxes();
        assertThat(upright.getType()).isEqualTo(type);
        assertThat(upright.getWidth()).isEqualTo(swapped ? H : W);
        assertThat(upright.getHeight()).isEqualTo(swapped ? W : H);
        for (int y = 0; y < upright.getHeight(); y++) {
            for (int x = 0; x < upright.getWidth(); x++) {
                int[] source = storedCoordinates(orientation, x, y);
                assertThat(upright.getRaster().getSample(x, y, 0))
                        .as("%s upright (%d,%d) from stored (%d,%d)", orientation, x, y, source[0], source[1])
                        .isEqualTo(value(source[0], source[1]));
            }
        }
    }

    /** The EXIF definition: where the upright pixel (x, y) is stored. */
    private static int[] storedCoordinates(ExifOrientation orientation, int x, int y) {
        switch (orientation.tagValue()) {
            case 1: return new int[] {x, y};
            case 2: return new int[] {W - 1 - x, y};
            case 3: return new int[] {W - 1 - x, H - 1 - y};
            case 4: return new int[] {x, H - 1 - y};
            case 5: return new int[] {y, x};
            case 6: return new int[] {y, H - 1 - x};
            case 7: return new int[] {W - 1 - y, H - 1 - x};
            case 8: return new int[] {W - 1 - y, x};
            default: throw new AssertionError(orientation);
        }
    }

    private static int value(int x, int y) {
        return 40 * (y * W + x) + 10;
    }
}
