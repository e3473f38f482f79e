package io.imgpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.CompressionException;
import io.imgpipe.spi.CompressedImage;
import io.imgpipe.spi.ImageCompressor;
import io.imgpipe.spi.ImageInfo;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The executable form of the {@link ImageCompressor} Javadoc: every implementation's test extends
 * this class and supplies {@link #newCompressor(long)}.
 *
 * <pre>{@code
 * class MyCompressorTest extends ImageCompressorContract {
 *     @Override
 *     protected ImageCompressor newCompressor(long maxPixels) {
 *         return new MyCompressor(MyConfig.defaults().withMaxPixels(maxPixels));
 *     }
 * }
 * }</pre>
 *
 * <p>The suite checks what the engine relies on: {@link ImageCompressor#probe(byte[])} reports
 * format, stored dimensions and a working-memory estimate without decoding; bad input (empty,
 * not an image, truncated, over the pixel limit) fails with a non-retryable
 * {@link CompressionException}; the output is a JPEG (unless {@link #expectedContentType()} says
 * otherwise) of the reported size, upright (EXIF orientation applied), with no metadata of the
 * source; one instance may be used by many threads at once.
 *
 * <p>The compressor under test must keep the source's size (no maximum width or height) and
 * write JPEG by default. Images are generated in memory from fixed seeds.
 */
public abstract class ImageCompressorContract {

    /** The pixel limit of the compressor made for most tests: far above any image they use. */
    protected static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    /** How long the concurrency test waits for its threads, as a guard against hangs. */
    protected static final Duration CONCURRENCY_TIMEOUT = Duration.ofSeconds(120);

    private static final Color RED = new Color(0xE0, 0x10, 0x10);
    private static final Color BLUE = new Color(0x10, 0x10, 0xE0);
    private static final int COLOUR_TOLERANCE = 60;

    private ImageCompressor compressor;

    /**
     * Creates the compressor under test, configured to keep the source's size.
     *
     * @param maxPixels the most pixels (width times height) an image may have; larger images must
     *     be refused by {@code probe} and {@code compress}
     * @return a new compressor
     */
    protected abstract ImageCompressor newCompressor(long maxPixels);

    /**
     * Gives the media type the compressor's output must have.
     *
     * @return {@code image/jpeg} unless overridden
     */
    protected String expectedContentType() {
        return "image/jpeg";
    }

    /**
     * Gives the compressor of the running test, made with {@link #DEFAULT_MAX_PIXELS}.
     *
     * @return the compressor under test
     */
    protected final ImageCompressor compressor() {
        return compressor;
    }

    @BeforeEach
    void createCompressor() {
        compressor = newCompressor(DEFAULT_MAX_PIXELS);
    }

    // ---------------------------------------------------------------- probe

    @Test
    void probeReportsFormatAndDimensionsOfJpeg() {
        ImageInfo info = compressor.probe(TestImages.jpeg(320, 240, 1));

        assertThat(info.format()).isEqualTo("jpeg");
        assertThat(info.width()).isEqualTo(320);
        assertThat(info.height()).isEqualTo(240);
        assertThat(info.workingBytes()).isPositive();
    }

    @Test
    void probeReportsFormatAndDimensionsOfPng() {
        ImageInfo info = compressor.probe(TestImages.png(150, 100, 2));

        assertThat(info.format()).isEqualTo("png");
        assertThat(info.width()).isEqualTo(150);
        assertThat(info.height()).isEqualTo(100);
    }

    @Test
    void probeReportsStoredDimensionsBeforeOrientation() {
        byte[] rotated = withExifOrientation(TestImages.jpeg(80, 40, 3), 6);

        ImageInfo info = compressor.probe(rotated);

        assertThat(info.width()).isEqualTo(80);
        assertThat(info.height()).isEqualTo(40);
    }

    @Test
    void probeEstimatesMoreWorkingMemoryForALargerImage() {
        long small = compressor.probe(TestImages.jpeg(64, 48, 4)).workingBytes();
        long large = compressor.probe(TestImages.jpeg(640, 480, 4)).workingBytes();

        assertThat(large).isGreaterThan(small);
    }

    @Test
    void probeRefusesImageOverThePixelLimit() {
        ImageCompressor limited = newCompressor(100L * 100);

        assertThatThrownBy(() -> limited.probe(TestImages.png(200, 100, 5)))
                .isInstanceOfSatisfying(CompressionException.class, e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void probeRefusesBytesThatAreNotAnImage() {
        assertThatThrownBy(() -> compressor.probe(garbage(1_000, 6))).isInstanceOf(CompressionException.class);
    }

    @Test
    void probeRefusesEmptyInput() {
        assertThatThrownBy(() -> compressor.probe(new byte[0])).isInstanceOf(CompressionException.class);
    }

    // ---------------------------------------------------------------- output

    @Test
    void compressesJpegToAnImageOfTheSourceSize() {
        CompressedImage out = compressor.compress(TestImages.jpeg(320, 240, 7));

        assertThat(out.width()).isEqualTo(320);
        assertThat(out.height()).isEqualTo(240);
        BufferedImage decoded = decode(out);
        assertThat(decoded.getWidth()).isEqualTo(320);
        assertThat(decoded.getHeight()).isEqualTo(240);
    }

    @Test
    void compressesPngToAnImageOfTheSourceSize() {
        CompressedImage out = compressor.compress(TestImages.png(150, 100, 8));

        BufferedImage decoded = decode(out);
        assertThat(decoded.getWidth()).isEqualTo(150).isEqualTo(out.width());
        assertThat(decoded.getHeight()).isEqualTo(100).isEqualTo(out.height());
    }

    @Test
    void labelsOutputWithItsContentTypeAndTheDeclaredExtension() {
        CompressedImage out = compressor.compress(TestImages.jpeg(64, 48, 9));

        assertThat(out.contentType()).isEqualTo(expectedContentType());
        assertThat(out.extension()).isEqualTo(compressor.outputExtension());
        if ("image/jpeg".equals(expectedContentType())) {
            assertThat(Arrays.copyOf(out.data(), 3)).containsExactly(0xFF, 0xD8, 0xFF);
        }
    }

    @Test
    void keepsThePictureContent() {
        byte[] source = TestImages.encode(redLeftBlueRight(100, 50), "png");

        BufferedImage out = decode(compressor.compress(source));

        assertColourNear(out, 20, 25, RED);
        assertColourNear(out, 80, 25, BLUE);
    }

    @Test
    void appliesExifOrientation() {
        byte[] rotated = withExifOrientation(TestImages.encodeJpeg(redTopLeftQuadrant(80, 40), 0.95f), 6);

        CompressedImage out = compressor.compress(rotated);

        assertThat(out.width()).isEqualTo(40);
        assertThat(out.height()).isEqualTo(80);
        BufferedImage upright = decode(out);
        assertThat(upright.getWidth()).isEqualTo(40);
        assertThat(upright.getHeight()).isEqualTo(80);
        assertColourNear(upright, 30, 20, RED);
        assertColourNear(upright, 10, 20, BLUE);
        assertColourNear(upright, 30, 60, BLUE);
    }

    @Test
    void copiesNoMetadataOfTheSource() {
        byte[] withExif = withExifOrientation(TestImages.jpeg(64, 48, 10), 1);

        byte[] out = compressor.compress(withExif).data();

        assertThat(contains(withExif, EXIF_MAKE)).isTrue();
        assertThat(contains(out, EXIF_MAKE)).as("the source's camera make in the output").isFalse();
        assertThat(contains(out, "Exif\0".getBytes(StandardCharsets.US_ASCII))).as("an EXIF block in the output")
                .isFalse();
    }

    @Test
    void leavesTheSourceArrayUnchanged() {
        byte[] source = TestImages.jpeg(64, 48, 11);
        byte[] copy = source.clone();

        compressor.compress(source);

        assertThat(source).isEqualTo(copy);
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void refusesEmptyInput() {
        assertNotRetryableRefusal(new byte[0]);
    }

    @Test
    void refusesBytesThatAreNotAnImage() {
        assertNotRetryableRefusal(garbage(1_000, 12));
    }

    @Test
    void refusesTruncatedJpeg() {
        byte[] jpeg = TestImages.jpeg(320, 240, 13);

        assertNotRetryableRefusal(Arrays.copyOf(jpeg, jpeg.length / 2));
    }

    @Test
    void refusesTruncatedPng() {
        byte[] png = TestImages.png(320, 240, 14);

        assertNotRetryableRefusal(Arrays.copyOf(png, png.length / 2));
    }

    @Test
    void refusesJpegWhoseDataIsGarbage() {
        byte[] header = Arrays.copyOf(TestImages.jpeg(64, 48, 15), 40);
        byte[] garbage = garbage(600, 15);
        byte[] corrupt = Arrays.copyOf(header, header.length + garbage.length);
        System.arraycopy(garbage, 0, corrupt, header.length, garbage.length);

        assertNotRetryableRefusal(corrupt);
    }

    @Test
    void refusesImageOverThePixelLimit() {
        ImageCompressor limited = newCompressor(100L * 100);

        assertThatThrownBy(() -> limited.compress(TestImages.png(200, 100, 16)))
                .isInstanceOfSatisfying(CompressionException.class, e -> assertThat(e.retryable()).isFalse());
    }

    // ---------------------------------------------------------------- threads

    @Test
    void givesTheSameResultWhenSharedBetweenThreads() throws Exception {
        List<byte[]> sources = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sources.add(i % 2 == 0 ? TestImages.jpeg(200, 150, 100 + i) : TestImages.png(150, 200, 100 + i));
        }
        List<BufferedImage> expected = new ArrayList<>();
        for (byte[] source : sources) {
            expected.add(decode(compressor.compress(source)));
        }
        List<Callable<CompressedImage>> jobs = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (byte[] source : sources) {
                jobs.add(() -> compressor.compress(source));
            }
        }

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<CompressedImage>> results = pool.invokeAll(jobs, CONCURRENCY_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS);
            for (int i = 0; i < results.size(); i++) {
                BufferedImage actual = decode(results.get(i).get());
                BufferedImage wanted = expected.get(i % sources.size());
                assertThat(actual.getWidth()).isEqualTo(wanted.getWidth());
                assertThat(actual.getHeight()).isEqualTo(wanted.getHeight());
                assertThat(meanAbsoluteDifference(actual, wanted)).as("job %d against a single-threaded run", i)
                        .isLessThan(1.0);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static final byte[] EXIF_MAKE = "ContractCam".getBytes(StandardCharsets.US_ASCII);

    private void assertNotRetryableRefusal(byte[] source) {
        assertThatThrownBy(() -> compressor.compress(source))
                .isInstanceOfSatisfying(CompressionException.class, e -> assertThat(e.retryable()).isFalse());
    }

    /**
     * Decodes an output image, failing the test if it cannot be read.
     *
     * @param image an output of the compressor under test
     * @return its pixels
     */
    protected static BufferedImage decode(CompressedImage image) {
        try {
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image.data()));
            assertThat(decoded).as("output decodable by ImageIO").isNotNull();
            return decoded;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] garbage(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        bytes[0] = 0x13;
        return bytes;
    }

    private static BufferedImage redLeftBlueRight(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(RED);
            g.fillRect(0, 0, width / 2, height);
            g.setColor(BLUE);
            g.fillRect(width / 2, 0, width - width / 2, height);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static BufferedImage redTopLeftQuadrant(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(BLUE);
            g.fillRect(0, 0, width, height);
            g.setColor(RED);
            g.fillRect(0, 0, width / 2, height / 2);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Inserts an EXIF APP1 segment (camera make and orientation) right after a JPEG's SOI. */
    private static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        int makeOffset = 8 + 2 + 2 * 12 + 4;
        ByteBuffer tiff = ByteBuffer.allocate(makeOffset + EXIF_MAKE.length + 1).order(ByteOrder.BIG_ENDIAN);
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
        tiff.putShort((short) 2);
        tiff.putShort((short) 0x010F).putShort((short) 2).putInt(EXIF_MAKE.length + 1).putInt(makeOffset);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);
        tiff.put(EXIF_MAKE).put((byte) 0);
        byte[] exifHeader = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
        int length = 2 + exifHeader.length + tiff.capacity();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(exifHeader);
        out.writeBytes(tiff.array());
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    private static boolean contains(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= data.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void assertColourNear(BufferedImage image, int x, int y, Color expected) {
        Color actual = new Color(image.getRGB(x, y));
        assertThat(Math.abs(actual.getRed() - expected.getRed())).as("red at %d,%d", x, y).isLessThanOrEqualTo(COLOUR_TOLERANCE);
        assertThat(Math.abs(actual.getGreen() - expected.getGreen())).as("green at %d,%d", x, y)
                .isLessThanOrEqualTo(COLOUR_TOLERANCE);
        assertThat(Math.abs(actual.getBlue() - expected.getBlue())).as("blue at %d,%d", x, y)
                .isLessThanOrEqualTo(COLOUR_TOLERANCE);
    }

    private static double meanAbsoluteDifference(BufferedImage a, BufferedImage b) {
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                sum += Math.abs((p >> 16 & 0xFF) - (q >> 16 & 0xFF)) + Math.abs((p >> 8 & 0xFF) - (q >> 8 & 0xFF))
                        + Math.abs((p & 0xFF) - (q & 0xFF));
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }
}
