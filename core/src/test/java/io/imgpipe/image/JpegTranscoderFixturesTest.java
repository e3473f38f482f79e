package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.image.JpegSources.Sampling;
import io.imgpipe.spi.CompressionPath;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The transcoder's correctness criteria on generated sources of every structure it must handle:
 * grey, 4:2:0, 4:2:2 and 4:4:4; sizes that are and are not whole MCUs; restart intervals;
 * progressive files; EXIF orientations 1 to 8. Each takes the expected path, decodes at the
 * upright dimensions, is within 0.2 dB PSNR of the pixel path's output or better, and within 3% of
 * its size or smaller.
 */
class JpegTranscoderFixturesTest {

    /** A generated source and the path it must take. */
    record Fixture(String name, Sampling sampling, int width, int height, boolean progressive, int restartInterval,
            int orientation) {

        byte[] bytes() {
            byte[] jpeg = JpegSources.jpeg(width, height, sampling, progressive, restartInterval,
                    31L * width + height + orientation);
            return orientation == 0 ? jpeg : ImageFixtures.withExifOrientation(jpeg, orientation, orientation % 2 == 0);
        }

        /** Transcoded: grey or 4:2:0, and each mirrored axis a whole number of MCUs. */
        CompressionPath expectedPath() {
            if (sampling == Sampling.YCC_422 || sampling == Sampling.YCC_444) {
                return CompressionPath.PIXELS;
            }
            int mcu = sampling == Sampling.GREY ? 8 : 16;
            boolean mirrorsX = orientation == 2 || orientation == 3 || orientation == 7 || orientation == 8;
            boolean mirrorsY = orientation == 3 || orientation == 4 || orientation == 6 || orientation == 7;
            boolean exact = (!mirrorsX || width % mcu == 0) && (!mirrorsY || height % mcu == 0);
            return exact ? CompressionPath.TRANSCODED : CompressionPath.PIXELS;
        }

        boolean swapsAxes() {
            return orientation >= 5;
        }

        TranscodeComparison compare() {
            return TranscodeComparison.of("fixture/" + name, bytes());
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Fixture> fixtures() {
        List<Fixture> all = new ArrayList<>();
        for (Sampling sampling : Sampling.values()) {
            for (int[] size : new int[][] {{64, 48}, {37, 29}, {100, 75}, {1, 1}, {17, 9}, {333, 250}}) {
                all.add(fixture(sampling, size[0], size[1], false, 0, 0));
            }
            all.add(fixture(sampling, 100, 75, true, 0, 0));
            all.add(fixture(sampling, 37, 29, true, 0, 0));
            all.add(fixture(sampling, 100, 75, false, 1, 0));
            all.add(fixture(sampling, 100, 75, false, 3, 0));
            all.add(fixture(sampling, 333, 250, true, 5, 0));
        }
        for (int orientation = 1; orientation <= 8; orientation++) {
            all.add(fixture(Sampling.YCC_420, 64, 48, false, 0, orientation));
            all.add(fixture(Sampling.YCC_420, 70, 50, false, 0, orientation));
            all.add(fixture(Sampling.YCC_420, 96, 64, true, 2, orientation));
            all.add(fixture(Sampling.GREY, 40, 24, false, 0, orientation));
            all.add(fixture(Sampling.GREY, 37, 29, true, 0, orientation));
            all.add(fixture(Sampling.YCC_422, 64, 48, false, 0, orientation));
        }
        return all;
    }

    private static Fixture fixture(Sampling sampling, int width, int height, boolean progressive, int restartInterval,
            int orientation) {
        String name = sampling + " " + width + "x" + height + (progressive ? " progressive" : " baseline")
                + (restartInterval > 0 ? " restart " + restartInterval : "")
                + (orientation > 0 ? " orientation " + orientation : "");
        return new Fixture(name, sampling, width, height, progressive, restartInterval, orientation);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void takesTheTranscoderWhereItIsExactAndThePixelPathElsewhere(Fixture fixture) {
        assertThat(fixture.compare().output().path()).isEqualTo(fixture.expectedPath());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void outputDecodesAtTheUprightDimensions(Fixture fixture) {
        TranscodeComparison result = fixture.compare();

        int width = fixture.swapsAxes() ? fixture.height() : fixture.width();
        int height = fixture.swapsAxes() ? fixture.width() : fixture.height();
        assertThat(result.decodedWidth()).isEqualTo(width);
        assertThat(result.decodedHeight()).isEqualTo(height);
        assertThat(result.output().width()).isEqualTo(width);
        assertThat(result.output().height()).isEqualTo(height);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void psnrIsWithinTwoTenthsOfADecibelOfThePixelPathOrBetter(Fixture fixture) {
        TranscodeComparison result = fixture.compare();

        assertThat(result.psnr()).as(result.toString()).isGreaterThanOrEqualTo(result.pixelPsnr() - 0.2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void sizeIsWithinThreePercentOfThePixelPathOrSmaller(Fixture fixture) {
        TranscodeComparison result = fixture.compare();

        assertThat(result.sizeRatio()).as(result.toString()).isLessThanOrEqualTo(1.03);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void sourceHasTheStructureItsNameSays(Fixture fixture) {
        byte[] source = fixture.bytes();

        assertThat(JpegSources.frameMarker(source)).isEqualTo(fixture.progressive() ? 0xC2 : 0xC0);
        String expected = switch (fixture.sampling()) {
            case GREY -> "1x1";
            case YCC_420 -> "2x2,1x1,1x1";
            case YCC_422 -> "2x1,1x1,1x1";
            case YCC_444 -> "1x1,1x1,1x1";
        };
        assertThat(JpegSources.samplingFactors(source)).isEqualTo(expected);
    }
}
