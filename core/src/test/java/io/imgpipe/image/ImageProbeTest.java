package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.CompressionException;
import io.imgpipe.ConfigurationException;
import io.imgpipe.spi.ImageInfo;
import io.imgpipe.testkit.TestImages;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageProbeTest {

    private final ImageProbe probe = new ImageProbe();

    @Test
    void readsFormatAndDimensionsOfJpeg() {
        ImageHeader header = probe.probe(TestImages.jpeg(320, 240, 1));

        assertThat(header.format()).isEqualTo("jpeg");
        assertThat(header.width()).isEqualTo(320);
        assertThat(header.height()).isEqualTo(240);
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "gif", "bmp"})
    void readsFormatAndDimensionsOfJdkFormats(String format) {
        ImageHeader header = probe.probe(TestImages.encode(TestImages.photo(33, 17, 2), format));

        assertThat(header.format()).isEqualTo(format);
        assertThat(header.width()).isEqualTo(33);
        assertThat(header.height()).isEqualTo(17);
    }

    @Test
    void readsFormatAndDimensionsOfWebp() {
        ImageHeader header = probe.probe(ImageFixtures.resource("photo-96x64.webp"));

        assertThat(header.format()).isEqualTo("webp");
        assertThat(header.width()).isEqualTo(96);
        assertThat(header.height()).isEqualTo(64);
    }

    @Test
    void readsHeaderOfCmykJpeg() {
        ImageHeader header = probe.probe(ImageFixtures.cmykJpeg(64, 32));

        assertThat(header.format()).isEqualTo("jpeg");
        assertThat(header.width()).isEqualTo(64);
        assertThat(header.height()).isEqualTo(32);
    }

    @ParameterizedTest
    @CsvSource({"1, true", "2, false", "3, true", "4, false", "5, true", "6, true", "6, false", "7, false",
        "8, true", "8, false"})
    void readsExifOrientationOfJpeg(int tagValue, boolean bigEndian) {
        byte[] jpeg = ImageFixtures.withExifOrientation(TestImages.jpeg(40, 20, 3), tagValue, bigEndian);

        ImageHeader header = probe.probe(jpeg);

        assertThat(header.orientation().tagValue()).isEqualTo(tagValue);
        assertThat(header.width()).isEqualTo(40);
        assertThat(header.height()).isEqualTo(20);
    }

    @Test
    void reportsUprightDimensionsForQuarterTurns() {
        byte[] jpeg = ImageFixtures.withExifOrientation(TestImages.jpeg(40, 20, 4), 6, true);

        ImageHeader header = probe.probe(jpeg);

        assertThat(header.uprightWidth()).isEqualTo(20);
        assertThat(header.uprightHeight()).isEqualTo(40);
    }

    @Test
    void reportsNormalOrientationForJpegWithoutExif() {
        assertThat(probe.probe(TestImages.jpeg(40, 20, 5)).orientation()).isEqualTo(ExifOrientation.NORMAL);
    }

    @Test
    void refusesHeaderDeclaringMorePixelsThanTheLimit() {
        assertThatThrownBy(() -> probe.probe(ImageFixtures.pngHeaderOnly(30000, 30000)))
                .isInstanceOf(CompressionException.class)
                .hasMessageContaining("30000x30000")
                .hasMessageContaining("50000000");
    }

    @Test
    void compressorProbeRefusesHeaderOverItsLimit() {
        ThumbnailatorCompressor compressor = new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withMaxPixels(1000));

        assertThatThrownBy(() -> compressor.probe(TestImages.png(40, 30, 6)))
                .isInstanceOf(CompressionException.class)
                .hasMessageContaining("40x30")
                .hasMessageContaining("1000 pixels");
    }

    @Test
    void acceptsImageExactlyAtTheLimit() {
        ImageHeader header = new ImageProbe(40 * 30).probe(TestImages.png(40, 30, 7));

        assertThat(header.pixels()).isEqualTo(1200);
    }

    @Test
    void refusesImageOnePixelOverTheLimit() {
        ImageProbe tight = new ImageProbe(40 * 30 - 1);

        assertThatThrownBy(() -> tight.probe(TestImages.png(40, 30, 8))).isInstanceOf(CompressionException.class);
    }

    @Test
    void compressorReportsStoredDimensionsThroughTheSpi() {
        byte[] jpeg = ImageFixtures.withExifOrientation(TestImages.jpeg(40, 20, 9), 6, true);

        ImageInfo info = new ThumbnailatorCompressor().probe(jpeg);

        assertThat(info).extracting(ImageInfo::format, ImageInfo::width, ImageInfo::height)
                .containsExactly("jpeg", 40, 20);
    }

    @Test
    void readsOnlyTheHeaderOfATruncatedImage() {
        byte[] png = TestImages.png(320, 240, 10);

        ImageHeader header = probe.probe(Arrays.copyOf(png, 64));

        assertThat(header.width()).isEqualTo(320);
        assertThat(header.height()).isEqualTo(240);
    }

    @Test
    void refusesGarbage() {
        assertThatThrownBy(() -> probe.probe("hello, this is not an image".getBytes()))
                .isInstanceOf(CompressionException.class)
                .hasMessageContaining("not a supported image format");
    }

    @Test
    void refusesFormatsOutsideTheSupportedSetNamingThem() {
        byte[] wbmp = TestImages.encode(new BufferedImage(16, 8, BufferedImage.TYPE_BYTE_BINARY), "wbmp");

        assertThatThrownBy(() -> probe.probe(wbmp))
                .isInstanceOf(CompressionException.class)
                .hasMessageContaining("not a supported image format")
                .hasMessageContaining("wbmp");
    }

    @Test
    void refusesEmptyInput() {
        assertThatThrownBy(() -> probe.probe(new byte[0]))
                .isInstanceOf(CompressionException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void refusesPngWithCorruptHeader() {
        byte[] png = ImageFixtures.pngHeaderOnly(10, 10);
        byte[] cut = Arrays.copyOf(png, 20);

        assertThatThrownBy(() -> probe.probe(cut))
                .isInstanceOf(CompressionException.class)
                .hasMessageContaining("png header");
    }

    @Test
    void refusesNonPositiveLimit() {
        assertThatThrownBy(() -> new ImageProbe(0))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("maxPixels");
    }
}
