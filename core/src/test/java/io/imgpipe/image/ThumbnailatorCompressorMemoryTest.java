package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.testkit.TestImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the compressor in a child JVM whose heap cannot hold the decoded image (pixels, or the DCT
 * coefficients of a progressive JPEG), to show that the {@link OutOfMemoryError} comes back as a
 * {@link io.imgpipe.CompressionException} that says so.
 */
class ThumbnailatorCompressorMemoryTest {

    private static final int WIDTH = 6000;
    private static final int HEIGHT = 5000;

    @Test
    void decodeThatRunsOutOfMemoryIsACompressionException(@TempDir Path dir) throws Exception {
        Path jpeg = dir.resolve("30mp.jpg");
        Files.write(jpeg, plainJpeg(false));

        String line = runInSmallHeap(jpeg, "-Xmx48m", "pixels");

        assertThat(line).startsWith("io.imgpipe.CompressionException: not enough memory to decode jpeg image of "
                + WIDTH + "x" + HEIGHT);
    }

    @Test
    void transcodeThatRunsOutOfMemoryForCoefficientsIsACompressionException(@TempDir Path dir) throws Exception {
        Path jpeg = dir.resolve("30mp-progressive.jpg");
        Files.write(jpeg, plainJpeg(true));

        String line = runInSmallHeap(jpeg, "-Xmx48m", "transcode");

        assertThat(line).isEqualTo("io.imgpipe.CompressionException: not enough memory to decode jpeg image of "
                + WIDTH + "x" + HEIGHT + " into DCT coefficients");
    }

    @Test
    void singleScanJpegIsTranscodedWithoutHoldingItsCoefficients(@TempDir Path dir) throws Exception {
        Path jpeg = dir.resolve("30mp.jpg");
        Files.write(jpeg, plainJpeg(false));

        assertThat(runInSmallHeap(jpeg, "-Xmx48m", "transcode")).isEqualTo("OK");
    }

    @Test
    void sameImageCompressesWhenTheHeapIsLargeEnough(@TempDir Path dir) throws Exception {
        Path jpeg = dir.resolve("30mp.jpg");
        Files.write(jpeg, plainJpeg(false));

        assertThat(runInSmallHeap(jpeg, "-Xmx512m", "pixels")).isEqualTo("OK");
    }

    private static byte[] plainJpeg(boolean progressive) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.GRAY);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.dispose();
        return progressive ? JpegSources.encode(image, JpegSources.Sampling.YCC_420, true, 0, 0.75f)
                : TestImages.encode(image, "jpeg");
    }

    private static String runInSmallHeap(Path image, String heap, String path) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, heap, "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), SmallHeapCompression.class.getName(), image.toString(), path)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        return output.lines().reduce((first, last) -> last).orElse("<no output; exit " + child.exitValue() + ">");
    }
}
