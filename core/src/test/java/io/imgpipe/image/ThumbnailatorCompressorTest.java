package io.imgpipe.image;

import static io.imgpipe.image.ImageFixtures.BLUE;
import static io.imgpipe.image.ImageFixtures.RED;
import static io.imgpipe.image.ImageFixtures.assertColorNear;
import static io.imgpipe.image.ImageFixtures.readJpeg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.CompressionException;
import io.imgpipe.spi.CompressedImage;
import io.imgpipe.testkit.TestImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ThumbnailatorCompressorTest {

    private final ThumbnailatorCompressor compressor = new ThumbnailatorCompressor();

    @Test
    void producesJpegOfSourceDimensions() {
        CompressedImage out = compressor.compress(TestImages.jpeg(320, 240, 1));

        BufferedImage decoded = readJpeg(out.data());
        assertThat(decoded.getWidth()).isEqualTo(320);
        assertThat(decoded.getHeight()).isEqualTo(240);
        assertThat(out.width()).isEqualTo(320);
        assertThat(out.height()).isEqualTo(240);
    }

    @Test
    void labelsOutputAsJpeg() {
        CompressedImage out = compressor.compress(TestImages.png(64, 48, 2));

        assertThat(out.contentType()).isEqualTo("image/jpeg");
        assertThat(out.extension()).isEqualTo("jpg");
    }

    @Test
    void outputIsSmallerThanQuality95JpegSource() {
        byte[] source = TestImages.jpeg(320, 240, 3);

        assertThat(compressor.compress(source).data().length).isLessThan(source.length);
    }

    @Test
    void outputIsSmallerThanPngSource() {
        byte[] source = TestImages.png(320, 240, 4);

        assertThat(compressor.compress(source).data().length).isLessThan(source.length);
    }

    @Test
    void lowerQualitySettingGivesSmallerOutput() {
        byte[] source = TestImages.png(320, 240, 5);

        int low = new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withQuality(0.2f)).compress(source).data().length;
        int high = new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withQuality(0.9f)).compress(source).data().length;

        assertThat(low).isLessThan(high);
    }

    @Test
    void optimizedHuffmanTablesGiveSmallerOutputWithSamePixels() {
        byte[] source = TestImages.png(320, 240, 6);

        byte[] optimized = compressor.compress(source).data();
        byte[] standard = new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withOptimizeHuffman(false))
                .compress(source).data();

        assertThat(optimized.length).isLessThan(standard.length);
        assertThat(ImageFixtures.meanAbsoluteDifference(readJpeg(optimized), readJpeg(standard))).isZero();
    }

    @Test
    void keepsPictureContent() {
        BufferedImage photo = TestImages.photo(160, 120, 7);

        BufferedImage out = readJpeg(compressor.compress(TestImages.encode(photo, "png")).data());

        assertThat(ImageFixtures.meanAbsoluteDifference(photo, out)).isLessThan(12.0);
    }

    @Test
    void scalesDownToMaxWidthKeepingAspectRatio() {
        ThumbnailatorCompressor bounded = new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withMaxSize(200, 0));

        CompressedImage out = bounded.compress(TestImages.jpeg(400, 300, 8));

        assertThat(readJpeg(out.data())).extracting(BufferedImage::getWidth, BufferedImage::getHeight)
                .containsExactly(200, 150);
        assertThat(out.width()).isEqualTo(200);
        assertThat(out.height()).isEqualTo(150);
    }

    @Test
    void scalesDownToMaxHeightKeepingAspectRatio() {
        ThumbnailatorCompressor bounded = new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withMaxSize(0, 100));

        BufferedImage out = readJpeg(bounded.compress(TestImages.jpeg(400, 300, 9)).data());

        assertThat(out.getWidth()).isEqualTo(133);
        assertThat(out.getHeight()).isEqualTo(100);
    }

    @Test
    void fitsInsideBothBoundsUsingTheTighterOne() {
        ThumbnailatorCompressor bounded = new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withMaxSize(100, 100));

        BufferedImage out = readJpeg(bounded.compress(TestImages.jpeg(400, 300, 10)).data());

        assertThat(out.getWidth()).isEqualTo(100);
        assertThat(out.getHeight()).isEqualTo(75);
    }

    @Test
    void neverEnlargesImageSmallerThanBounds() {
        ThumbnailatorCompressor bounded = new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withMaxSize(400, 400));

        BufferedImage out = readJpeg(bounded.compress(TestImages.jpeg(120, 80, 11)).data());

        assertThat(out.getWidth()).isEqualTo(120);
        assertThat(out.getHeight()).isEqualTo(80);
    }

    @Test
    void resizedOutputKeepsPictureContent() {
        ThumbnailatorCompressor bounded = new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withMaxSize(100, 0));
        byte[] source = TestImages.encodeJpeg(ImageFixtures.redTopLeftQuadrant(200, 100), 0.95f);

        BufferedImage out = readJpeg(bounded.compress(source).data());

        assertColorNear(out, 25, 12, RED, 60);
        assertColorNear(out, 75, 37, BLUE, 60);
    }

    @Test
    void rotatesClockwiseForExifOrientation6() {
        byte[] stored = TestImages.encodeJpeg(ImageFixtures.redTopLeftQuadrant(80, 40), 0.95f);

        CompressedImage out = compressor.compress(ImageFixtures.withExifOrientation(stored, 6, true));

        BufferedImage upright = readJpeg(out.data());
        assertThat(upright.getWidth()).isEqualTo(40);
        assertThat(upright.getHeight()).isEqualTo(80);
        assertThat(out.width()).isEqualTo(40);
        assertThat(out.height()).isEqualTo(80);
        assertColorNear(upright, 30, 20, RED, 60);
        assertColorNear(upright, 10, 20, BLUE, 60);
        assertColorNear(upright, 30, 60, BLUE, 60);
    }

    @Test
    void rotatesCounterClockwiseForExifOrientation8() {
        byte[] stored = TestImages.encodeJpeg(ImageFixtures.redTopLeftQuadrant(80, 40), 0.95f);

        BufferedImage upright = readJpeg(compressor.compress(ImageFixtures.withExifOrientation(stored, 8, false)).data());

        assertThat(upright.getWidth()).isEqualTo(40);
        assertThat(upright.getHeight()).isEqualTo(80);
        assertColorNear(upright, 10, 60, RED, 60);
        assertColorNear(upright, 30, 60, BLUE, 60);
        assertColorNear(upright, 10, 20, BLUE, 60);
    }

    @Test
    void rotatesPngForOrientationInItsExifChunk() {
        byte[] stored = TestImages.encode(ImageFixtures.redTopLeftQuadrant(80, 40), "png");
        byte[] png = ImageFixtures.pngWithExif(stored, ImageFixtures.exifTiff(6, true));

        BufferedImage upright = readJpeg(compressor.compress(png).data());

        assertThat(upright.getWidth()).isEqualTo(40);
        assertThat(upright.getHeight()).isEqualTo(80);
        assertColorNear(upright, 30, 20, RED, 60);
        assertColorNear(upright, 10, 20, BLUE, 60);
    }

    @Test
    void rotatesWebpForOrientationInItsExifChunk() {
        byte[] webp = ImageFixtures.webpWithExif(ImageFixtures.resource("photo-96x64.webp"), 96, 64,
                ImageFixtures.exifTiff(8, false));

        CompressedImage out = compressor.compress(webp);

        assertThat(out.width()).isEqualTo(64);
        assertThat(out.height()).isEqualTo(96);
        assertThat(readJpeg(out.data()).getWidth()).isEqualTo(64);
    }

    @Test
    void appliesSizeBoundsToTheUprightPicture() {
        ThumbnailatorCompressor bounded = new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withMaxSize(0, 100));
        byte[] stored = TestImages.encodeJpeg(ImageFixtures.redTopLeftQuadrant(200, 100), 0.95f);

        BufferedImage upright = readJpeg(bounded.compress(ImageFixtures.withExifOrientation(stored, 6, true)).data());

        assertThat(upright.getWidth()).isEqualTo(50);
        assertThat(upright.getHeight()).isEqualTo(100);
        assertColorNear(upright, 37, 25, RED, 60);
        assertColorNear(upright, 12, 75, BLUE, 60);
    }

    @Test
    void copiesNoExifIntoOutput() {
        byte[] withExif = ImageFixtures.withExifOrientation(TestImages.jpeg(64, 48, 12), 1, true);

        byte[] out = compressor.compress(withExif).data();

        assertThat(ImageFixtures.markersBeforeScan(withExif)).contains(0xE1);
        assertThat(ImageFixtures.markersBeforeScan(out)).doesNotContain(0xE1).contains(0xDA);
    }

    @Test
    void flattensTransparentPngOntoWhite() {
        BufferedImage out = readJpeg(compressor.compress(TestImages.transparentPng(64, 48)).data());

        assertColorNear(out, 10, 24, Color.WHITE, 15);
        assertColorNear(out, 54, 24, Color.RED, 40);
    }

    @Test
    void flattensRgbPngWithTransparentColourOntoWhite() {
        BufferedImage rgb = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = rgb.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, 32, 48);
        g.setColor(BLUE);
        g.fillRect(32, 0, 32, 48);
        g.dispose();
        byte[] png = ImageFixtures.withTransparentColour(TestImages.encode(rgb, "png"), 0, 0, 0);

        BufferedImage out = readJpeg(compressor.compress(png).data());

        assertColorNear(out, 10, 24, Color.WHITE, 15);
        assertColorNear(out, 54, 24, BLUE, 40);
    }

    @Test
    void flattensGrayPngWithTransparentColourOntoWhite() {
        BufferedImage gray = new BufferedImage(64, 48, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = gray.getRaster();
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                raster.setSample(x, y, 0, x < 32 ? 0 : 0x60);
            }
        }
        byte[] png = ImageFixtures.withTransparentColour(TestImages.encode(gray, "png"), 0);

        BufferedImage out = readJpeg(compressor.compress(png).data());

        assertThat(out.getColorModel().getNumComponents()).isEqualTo(1);
        assertThat(out.getRaster().getSample(10, 24, 0)).isGreaterThanOrEqualTo(0xFF - 3);
        assertThat(out.getRaster().getSample(54, 24, 0)).isBetween(0x60 - 3, 0x60 + 3);
    }

    @Test
    void flattensTransparentGifOntoWhite() {
        IndexColorModel model = new IndexColorModel(8, 2, new byte[] {0, 0}, new byte[] {0, 0},
                new byte[] {0, (byte) 0xFF}, 0);
        BufferedImage gif = new BufferedImage(40, 20, BufferedImage.TYPE_BYTE_INDEXED, model);
        WritableRaster raster = gif.getRaster();
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 40; x++) {
                raster.setSample(x, y, 0, x < 20 ? 0 : 1);
            }
        }

        BufferedImage out = readJpeg(compressor.compress(TestImages.encode(gif, "gif")).data());

        assertColorNear(out, 5, 10, Color.WHITE, 15);
        assertColorNear(out, 35, 10, Color.BLUE, 40);
    }

    @Test
    void convertsPalettePng() {
        BufferedImage palette = new BufferedImage(64, 48, BufferedImage.TYPE_BYTE_INDEXED);
        drawRedLeftBlueRight(palette);

        BufferedImage out = readJpeg(compressor.compress(TestImages.encode(palette, "png")).data());

        assertColorNear(out, 10, 24, Color.RED, 40);
        assertColorNear(out, 54, 24, Color.BLUE, 40);
    }

    @Test
    void keepsGrayscalePngGray() {
        BufferedImage gray = new BufferedImage(64, 48, BufferedImage.TYPE_BYTE_GRAY);
        fillGray(gray, 0x60);

        BufferedImage out = readJpeg(compressor.compress(TestImages.encode(gray, "png")).data());

        assertThat(out.getColorModel().getNumComponents()).isEqualTo(1);
        assertThat(out.getRaster().getSample(32, 24, 0)).isBetween(0x60 - 3, 0x60 + 3);
    }

    @Test
    void convertsSixteenBitGrayPng() {
        BufferedImage gray16 = new BufferedImage(64, 48, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster raster = gray16.getRaster();
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                raster.setSample(x, y, 0, 0x8080);
            }
        }

        BufferedImage out = readJpeg(compressor.compress(TestImages.encode(gray16, "png")).data());

        assertThat(out.getWidth()).isEqualTo(64);
        assertThat(out.getRaster().getSample(32, 24, 0)).isBetween(0x80 - 3, 0x80 + 3);
    }

    @Test
    void convertsSixteenBitRgbPng() {
        ColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                ColorModel.OPAQUE, DataBuffer.TYPE_USHORT);
        BufferedImage rgb16 = new BufferedImage(model, model.createCompatibleWritableRaster(64, 48), false, null);
        WritableRaster raster = rgb16.getRaster();
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                raster.setPixel(x, y, x < 32 ? new int[] {0xFFFF, 0, 0} : new int[] {0, 0, 0xFFFF});
            }
        }

        BufferedImage out = readJpeg(compressor.compress(TestImages.encode(rgb16, "png")).data());

        assertColorNear(out, 10, 24, Color.RED, 40);
        assertColorNear(out, 54, 24, Color.BLUE, 40);
    }

    @Test
    void convertsBmp() {
        BufferedImage bmp = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
        drawRedLeftBlueRight(bmp);

        BufferedImage out = readJpeg(compressor.compress(TestImages.encode(bmp, "bmp")).data());

        assertColorNear(out, 10, 24, Color.RED, 40);
        assertColorNear(out, 54, 24, Color.BLUE, 40);
    }

    @Test
    void decodesCmykJpegWithPlausibleColours() {
        BufferedImage out = readJpeg(compressor.compress(ImageFixtures.cmykJpeg(64, 32)).data());

        assertThat(out.getWidth()).isEqualTo(64);
        assertColorNear(out, 10, 16, Color.RED, 90);
        assertColorNear(out, 54, 16, Color.BLUE, 90);
    }

    @Test
    void decodesYcckJpegWithPlausibleColours() {
        BufferedImage out = readJpeg(compressor.compress(ImageFixtures.ycckJpeg(64, 32)).data());

        assertThat(out.getWidth()).isEqualTo(64);
        assertColorNear(out, 10, 16, Color.RED, 90);
        assertColorNear(out, 54, 16, Color.BLUE, 90);
    }

    @Test
    void decodesLossyWebp() {
        BufferedImage expected = TestImages.photo(96, 64, 7);

        BufferedImage out = readJpeg(compressor.compress(ImageFixtures.resource("photo-96x64.webp")).data());

        assertThat(ImageFixtures.meanAbsoluteDifference(expected, out)).isLessThan(15.0);
    }

    @Test
    void flattensTransparentWebpOntoWhite() {
        BufferedImage out = readJpeg(compressor.compress(ImageFixtures.resource("transparent-64x48.webp")).data());

        assertThat(out.getWidth()).isEqualTo(64);
        assertThat(out.getHeight()).isEqualTo(48);
        assertColorNear(out, 10, 24, Color.WHITE, 15);
        assertColorNear(out, 54, 24, Color.RED, 40);
    }

    @Test
    void refusesImageOverPixelLimitBeforeDecoding() {
        assertThatThrownBy(() -> compressor.compress(ImageFixtures.pngHeaderOnly(30000, 30000)))
                .isInstanceOf(CompressionException.class)
                .hasMessageContaining("30000x30000")
                .hasMessageContaining("50000000");
    }

    @Test
    void refusesTruncatedJpeg() {
        byte[] jpeg = TestImages.jpeg(320, 240, 13);

        assertThatThrownBy(() -> compressor.compress(Arrays.copyOf(jpeg, jpeg.length / 2)))
                .isInstanceOf(CompressionException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void refusesTruncatedPng() {
        byte[] png = TestImages.png(320, 240, 14);

        assertThatThrownBy(() -> compressor.compress(Arrays.copyOf(png, png.length / 2)))
                .isInstanceOf(CompressionException.class)
                .hasMessageContaining("png image of 320x240");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bmp", "tiff", "webp"})
    void refusesTruncatedFileSayingSo(String format) {
        byte[] source = "webp".equals(format) ? ImageFixtures.resource("photo-96x64.webp")
                : TestImages.encode(TestImages.photo(200, 150, 17), format);

        assertThatThrownBy(() -> compressor.compress(Arrays.copyOf(source, source.length * 2 / 3)))
                .isInstanceOf(CompressionException.class)
                .hasMessageContaining(format + " image")
                .hasMessageContaining("truncated");
    }

    @Test
    void refusesTruncatedGif() {
        byte[] gif = TestImages.encode(TestImages.photo(200, 150, 18), "gif");

        assertThatThrownBy(() -> compressor.compress(Arrays.copyOf(gif, gif.length * 2 / 3)))
                .isInstanceOf(CompressionException.class)
                .hasMessageContaining("gif image of 200x150");
    }

    @Test
    void refusesGarbageBytes() {
        byte[] garbage = new byte[1000];
        new Random(15).nextBytes(garbage);

        assertThatThrownBy(() -> compressor.compress(garbage))
                .isInstanceOf(CompressionException.class)
                .hasMessageContaining("not a supported image format");
    }

    @Test
    void refusesJpegWhoseDataIsGarbage() {
        byte[] jpeg = TestImages.jpeg(64, 48, 16);
        byte[] corrupt = Arrays.copyOf(jpeg, 40);
        byte[] garbage = new byte[600];
        new Random(16).nextBytes(garbage);

        assertThatThrownBy(() -> compressor.compress(ImageFixtures.concat(corrupt, garbage)))
                .isInstanceOf(CompressionException.class)
                .hasMessageContaining("jpeg");
    }

    @Test
    void refusesEmptyInput() {
        assertThatThrownBy(() -> compressor.compress(new byte[0]))
                .isInstanceOf(CompressionException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void compressionFailuresAreNotRetryable() {
        assertThatThrownBy(() -> compressor.compress(new byte[] {1, 2, 3}))
                .isInstanceOfSatisfying(CompressionException.class, e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void givesSameOutputWhenSharedBetweenThreads() throws Exception {
        List<byte[]> sources = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sources.add(i % 2 == 0 ? TestImages.jpeg(200, 150, 100 + i) : TestImages.png(150, 200, 100 + i));
        }
        List<byte[]> expected = new ArrayList<>();
        for (byte[] source : sources) {
            expected.add(compressor.compress(source).data());
        }
        List<Callable<byte[]>> jobs = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (byte[] source : sources) {
                jobs.add(() -> compressor.compress(source).data());
            }
        }

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> results = pool.invokeAll(jobs);
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(expected.get(i % sources.size()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void drawRedLeftBlueRight(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.RED);
            g.fillRect(0, 0, image.getWidth() / 2, image.getHeight());
            g.setColor(Color.BLUE);
            g.fillRect(image.getWidth() / 2, 0, image.getWidth() - image.getWidth() / 2, image.getHeight());
        } finally {
            g.dispose();
        }
    }

    private static void fillGray(BufferedImage image, int value) {
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                raster.setSample(x, y, 0, value);
            }
        }
    }
}
