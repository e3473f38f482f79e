package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.CompressionException;
import io.imgpipe.image.JpegSources.Sampling;
import io.imgpipe.spi.CompressedImage;
import io.imgpipe.spi.CompressionPath;
import io.imgpipe.spi.ImageInfo;
import io.imgpipe.testkit.TestImages;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the default compressor does with JPEG sources, and when it leaves them to the pixel path. */
class JpegTranscoderTest {

    private final ThumbnailatorCompressor compressor = new ThumbnailatorCompressor();

    @ParameterizedTest
    @ValueSource(floats = {0.0f, 0.05f, 0.25f, 0.5f, 0.75f, 0.9f, 1.0f})
    void writesTheQuantizationTablesThePixelPathWritesForTheSameQuality(float quality) {
        byte[] source = JpegSources.jpeg(64, 48, Sampling.YCC_420, false, 0, 1);
        CompressorConfig config = CompressorConfig.DEFAULTS.withQuality(quality);

        CompressedImage transcoded = new ThumbnailatorCompressor(config).compress(source);
        CompressedImage pixels = new ThumbnailatorCompressor(config.withTranscodeJpegs(false)).compress(source);

        assertThat(transcoded.path()).isEqualTo(CompressionPath.TRANSCODED);
        assertThat(JpegSegments.all(transcoded.data(), 0xDB)).hasSize(2)
                .containsExactlyElementsOf(JpegSegments.all(pixels.data(), 0xDB));
    }

    @Test
    void writesTheLuminanceTableOnlyForGreySources() {
        byte[] source = JpegSources.jpeg(64, 48, Sampling.GREY, false, 0, 2);

        CompressedImage transcoded = compressor.compress(source);
        CompressedImage pixels = new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withTranscodeJpegs(false))
                .compress(source);

        assertThat(JpegSegments.all(transcoded.data(), 0xDB)).hasSize(1)
                .containsExactlyElementsOf(JpegSegments.all(pixels.data(), 0xDB));
    }

    @Test
    void writesABaselineFileWithTheSegmentsOfThePixelPathAndNoMetadata() {
        byte[] source = ImageFixtures.withExifOrientation(JpegSources.jpeg(64, 48, Sampling.YCC_420, true, 0, 3), 1, true);

        CompressedImage out = compressor.compress(source);

        assertThat(out.path()).isEqualTo(CompressionPath.TRANSCODED);
        assertThat(ImageFixtures.markersBeforeScan(out.data()))
                .containsExactly(0xE0, 0xDB, 0xDB, 0xC0, 0xC4, 0xC4, 0xC4, 0xC4, 0xDA);
        assertThat(out.data()).endsWith((byte) 0xFF, (byte) 0xD9);
    }

    @Test
    void optimizesHuffmanTablesSoTheOutputIsSmallerThanWithStandardTables() {
        byte[] source = TestImages.jpeg(320, 240, 4);
        byte[] standard = new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withTranscodeJpegs(false)
                .withOptimizeHuffman(false)).compress(source).data();

        assertThat(compressor.compress(source).data().length).isLessThan(standard.length);
    }

    @Test
    void decodingStraightToSymbolsGivesTheSameFileAsStoringCoefficients() {
        byte[] source = JpegSources.jpeg(1200, 900, Sampling.YCC_420, false, 0, 5);
        JpegTranscoder transcoder = new JpegTranscoder(0.5f);

        byte[] streamed = transcoder.transcode(JpegTranscoder.plan(source, ExifOrientation.NORMAL), true);
        byte[] stored = transcoder.transcode(JpegTranscoder.plan(source, ExifOrientation.NORMAL), false);

        assertThat(streamed).isEqualTo(stored);
    }

    @Test
    void fallsBackToTheCoefficientStoreWhenTheSymbolStreamWouldOutgrowIt() {
        BufferedImage noise = new BufferedImage(256, 256, BufferedImage.TYPE_BYTE_GRAY);
        Random random = new Random(6);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                noise.getRaster().setSample(x, y, 0, random.nextInt(256));
            }
        }
        byte[] source = JpegSources.encode(noise, Sampling.GREY, false, 0, 1.0f);
        JpegTranscoder transcoder = new JpegTranscoder(1.0f);

        assertThatThrownBy(() -> transcoder.transcode(JpegTranscoder.plan(source, ExifOrientation.NORMAL), true))
                .isInstanceOf(SymbolStream.Overflow.class);
        byte[] out = transcoder.transcode(JpegTranscoder.plan(source, ExifOrientation.NORMAL));
        assertThat(out).isEqualTo(transcoder.transcode(JpegTranscoder.plan(source, ExifOrientation.NORMAL), false));
    }

    @Test
    void probeReportsTheCoefficientMemoryOfATranscodedJpeg() {
        byte[] source = JpegSources.jpeg(64, 48, Sampling.YCC_420, false, 0, 7);

        ImageInfo info = compressor.probe(source);

        long blocks = 8 * 6 + 2 * (4 * 3);
        assertThat(info.workingBytes())
                .isEqualTo(blocks * (64 * 2 + 1) + SymbolStream.CHUNK_BYTES + 2L * source.length + 64 * 1024);
    }

    @Test
    void probeReportsThePixelMemoryOfAJpegForThePixelPath() {
        byte[] source = JpegSources.jpeg(64, 48, Sampling.YCC_444, false, 0, 8);

        ImageInfo info = compressor.probe(source);

        assertThat(info.workingBytes()).isEqualTo(64 * 48 * 4L + source.length);
    }

    @Test
    void refusesAJpegOverThePixelLimitBeforeAllocatingCoefficients() {
        byte[] source = JpegSegments.withDimensions(JpegSources.jpeg(64, 48, Sampling.YCC_420, false, 0, 9), 30000, 30000);

        assertThatThrownBy(() -> compressor.compress(source)).isInstanceOf(CompressionException.class)
                .hasMessageContaining("30000x30000").hasMessageContaining("over the limit");
        assertThatThrownBy(() -> compressor.probe(source)).isInstanceOf(CompressionException.class)
                .hasMessageContaining("over the limit");
    }

    @Test
    void jpegWithAnSrgbIccProfileIsTranscoded() {
        byte[] source = withIccProfile(JpegSources.jpeg(64, 48, Sampling.YCC_420, false, 0, 18), ColorSpace.CS_sRGB);

        assertThat(compressor.compress(source).path()).isEqualTo(CompressionPath.TRANSCODED);
    }

    @Test
    void jpegWithAnotherIccProfileTakesThePixelPathWhichConvertsItsColours() {
        byte[] source = withIccProfile(JpegSources.jpeg(64, 48, Sampling.YCC_420, false, 0, 19), ColorSpace.CS_LINEAR_RGB);

        assertThat(compressor.compress(source).path()).isEqualTo(CompressionPath.PIXELS);
        assertThat(JpegTranscoder.plan(source, ExifOrientation.NORMAL).pixelPathReason).contains("ICC profile");
    }

    private static byte[] withIccProfile(byte[] jpeg, int colorSpace) {
        byte[] profile = ICC_Profile.getInstance(colorSpace).getData();
        byte[] payload = ImageFixtures.concat("ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII),
                ImageFixtures.concat(new byte[] {1, 1}, profile));
        return ImageFixtures.insertAfterSoi(jpeg, ImageFixtures.segment(0xE2, payload));
    }

    @Test
    void progressiveJpegRepeatingAScanTakesThePixelPathWhichToleratesIt() {
        byte[] jpeg = JpegSources.jpeg(64, 48, Sampling.YCC_420, true, 0, 20);
        int first = JpegSegments.find(jpeg, 0xDA);
        int second = first + 2;
        while (!(jpeg[second] == (byte) 0xFF && jpeg[second + 1] == (byte) 0xDA)) {
            second++;
        }
        byte[] repeated = ImageFixtures.concat(java.util.Arrays.copyOf(jpeg, second),
                ImageFixtures.concat(java.util.Arrays.copyOfRange(jpeg, first, second),
                        java.util.Arrays.copyOfRange(jpeg, second, jpeg.length)));

        CompressedImage out = compressor.compress(repeated);

        assertThat(out.path()).isEqualTo(CompressionPath.PIXELS);
        assertThat(TranscodeComparison.decode(out.data()).getWidth()).isEqualTo(64);
    }

    @Test
    void cmykJpegTakesThePixelPath() {
        assertThat(compressor.compress(ImageFixtures.cmykJpeg(64, 32)).path()).isEqualTo(CompressionPath.PIXELS);
    }

    @Test
    void ycckJpegTakesThePixelPath() {
        assertThat(compressor.compress(ImageFixtures.ycckJpeg(64, 32)).path()).isEqualTo(CompressionPath.PIXELS);
    }

    @Test
    void pngTakesThePixelPath() {
        assertThat(compressor.compress(TestImages.png(64, 48, 10)).path()).isEqualTo(CompressionPath.PIXELS);
    }

    @Test
    void requestedResizeTakesThePixelPath() {
        ThumbnailatorCompressor bounded = new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withMaxSize(32, 0));

        CompressedImage out = bounded.compress(JpegSources.jpeg(64, 48, Sampling.YCC_420, false, 0, 11));

        assertThat(out.path()).isEqualTo(CompressionPath.PIXELS);
        assertThat(out.width()).isEqualTo(32);
    }

    @Test
    void sizeBoundsTheImageAlreadyFitsStillTranscode() {
        ThumbnailatorCompressor bounded = new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withMaxSize(640, 480));

        assertThat(bounded.compress(JpegSources.jpeg(64, 48, Sampling.YCC_420, false, 0, 12)).path())
                .isEqualTo(CompressionPath.TRANSCODED);
    }

    @Test
    void transcodingCanBeTurnedOff() {
        ThumbnailatorCompressor pixelsOnly = new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withTranscodeJpegs(false));

        assertThat(pixelsOnly.compress(JpegSources.jpeg(64, 48, Sampling.YCC_420, false, 0, 13)).path())
                .isEqualTo(CompressionPath.PIXELS);
    }

    @Test
    void rgbJpegTakesThePixelPath() {
        byte[] adobeRgb = ImageFixtures.insertAfterSoi(JpegSources.jpeg(64, 48, Sampling.YCC_420, false, 0, 14),
                ImageFixtures.segment(0xEE, new byte[] {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0}));

        JpegTranscoder.Plan plan = JpegTranscoder.plan(adobeRgb, ExifOrientation.NORMAL);

        assertThat(plan.pixelPathReason).contains("RGB");
    }

    @ParameterizedTest
    @ValueSource(ints = {0xC3, 0xC5, 0xC9, 0xCA})
    void losslessHierarchicalAndArithmeticJpegsTakeThePixelPath(int marker) {
        byte[] source = JpegSegments.withFrameMarker(JpegSources.jpeg(64, 48, Sampling.YCC_420, false, 0, 15), marker);

        JpegTranscoder.Plan plan = JpegTranscoder.plan(source, ExifOrientation.NORMAL);

        assertThat(plan.transcodable()).isFalse();
        assertThat(plan.pixelPathReason).containsAnyOf("lossless", "hierarchical", "arithmetic");
    }

    @Test
    void twelveBitJpegTakesThePixelPath() {
        byte[] source = JpegSegments.withPrecision(JpegSources.jpeg(64, 48, Sampling.YCC_420, false, 0, 16), 12);

        assertThat(JpegTranscoder.plan(source, ExifOrientation.NORMAL).pixelPathReason).contains("12-bit");
    }

    @Test
    void orientationThatWouldMoveAPartialMcuTakesThePixelPath() {
        byte[] source = ImageFixtures.withExifOrientation(JpegSources.jpeg(70, 50, Sampling.YCC_420, false, 0, 17), 6, true);

        CompressedImage out = compressor.compress(source);

        assertThat(out.path()).isEqualTo(CompressionPath.PIXELS);
        assertThat(out.width()).isEqualTo(50);
    }

    @Test
    void givesTheSameOutputWhenSharedBetweenThreads() throws Exception {
        List<byte[]> sources = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sources.add(JpegSources.jpeg(160 + 16 * i, 120, i % 2 == 0 ? Sampling.YCC_420 : Sampling.GREY, i % 3 == 0,
                    i % 2, 100 + i));
        }
        List<byte[]> expected = new ArrayList<>();
        for (byte[] source : sources) {
            expected.add(compressor.compress(source).data());
        }
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int round = 0; round < 5; round++) {
                    for (int i = 0; i < sources.size(); i++) {
                        if (!java.util.Arrays.equals(compressor.compress(sources.get(i)).data(), expected.get(i))) {
                            failures.add(new AssertionError("different output for source " + i));
                        }
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
    }
}
