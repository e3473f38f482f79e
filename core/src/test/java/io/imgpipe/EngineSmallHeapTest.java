package io.imgpipe;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's memory finding, shown end to end: an engine with the default memory budget in a
 * child JVM with {@code -Xmx256m} downloads 16 bodies of 24 MiB at once (384 MiB, more than the
 * heap) and is given a valid 49 MP RGBA PNG under the pixel limit whose decoded pixels alone
 * (196 MB) exceed the budget. No {@link OutOfMemoryError} may happen, the 16 images complete, and
 * the PNG fails on its first attempt saying how much memory it needs and what to raise.
 */
class EngineSmallHeapTest {

    private static final int BIG_IMAGES = 16;
    private static final int BIG_BODY_BYTES = 24 * 1024 * 1024;
    private static final int PNG_SIDE = 7000;
    private static final List<String> OUT_OF_MEMORY_MARKS =
            List.of("OutOfMemoryError", "JVM-OOM-EVENT", "out of memory", "not enough memory");

    @Test
    void sixteenLargeBodiesAndAnImageTooLargeForTheBudgetCauseNoOutOfMemoryErrorInA256MiBHeap(@TempDir Path work)
            throws Exception {
        byte[] big = paddedJpeg(BIG_BODY_BYTES);
        byte[] png = uniformRgbaPng(PNG_SIDE, PNG_SIDE);
        try (TestHttpServer server = TestHttpServer.start()) {
            for (int i = 1; i <= BIG_IMAGES; i++) {
                server.serve("/big/" + i + ".jpg", Reply.ok("image/jpeg", big));
            }
            server.serve("/huge.png", Reply.ok("image/png", png));

            String output = runEngineInChildJvm(server.url("").toString(), work);
            System.out.println("child JVM output:\n" + output);

            assertThat(countOutOfMemoryMarks(output)).as("out-of-memory events in the child's output").isZero();
            assertThat(output).contains("HEAP max=");
            List<String> images = output.lines().filter(line -> line.startsWith("IMAGE ")).toList();
            assertThat(images.stream().filter(line -> line.contains("/big/"))).hasSize(BIG_IMAGES)
                    .allSatisfy(line -> assertThat(line).startsWith("IMAGE completed attempts=1 "));
            assertThat(images.stream().filter(line -> line.contains("/huge.png"))).singleElement()
                    .satisfies(line -> assertThat(line).startsWith("IMAGE failed attempts=1 ")
                            .contains("png image of 7000x7000 needs", "more than the engine's whole memory budget",
                                    "raise EngineConfig.memoryBudget"));
            assertThat(server.hits("/huge.png")).as("refused at once, never retried").isEqualTo(1);
        }
    }

    private static String runEngineInChildJvm(String baseUrl, Path work) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:OnOutOfMemoryError=echo JVM-OOM-EVENT",
                "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                SmallHeapEngine.class.getName(), baseUrl, work.toString(), String.valueOf(BIG_IMAGES))
                .redirectErrorStream(true)
                .start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("child JVM finished").isTrue();
        assertThat(child.exitValue()).as("child JVM exit status; output:%n%s", output).isZero();
        return output;
    }

    private static long countOutOfMemoryMarks(String output) {
        String lower = output.toLowerCase(Locale.ROOT);
        return OUT_OF_MEMORY_MARKS.stream().mapToLong(mark -> {
            Matcher m = Pattern.compile(Pattern.quote(mark.toLowerCase(Locale.ROOT))).matcher(lower);
            long n = 0;
            while (m.find()) {
                n++;
            }
            return n;
        }).sum();
    }

    /**
     * A valid JPEG of exactly {@code size} bytes: a 1.2 MP image of random pixels followed, after
     * its end-of-image marker, by data that decoders do not read, as cameras append their
     * Multi-Picture Format previews after the primary image.
     */
    private static byte[] paddedJpeg(int size) {
        BufferedImage image = new BufferedImage(1200, 1000, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(11);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        byte[] jpeg = TestImages.encodeJpeg(image, 0.9f);
        byte[] result = Arrays.copyOf(jpeg, size);
        Arrays.fill(result, jpeg.length, size, (byte) 0x5a);
        return result;
    }

    /** A valid 8-bit RGBA PNG of one colour, written row by row: small on the wire, {@code 4 * w * h} bytes decoded. */
    private static byte[] uniformRgbaPng(int width, int height) {
        try {
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            file.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            DataOutputStream ihdr = new DataOutputStream(header);
            ihdr.writeInt(width);
            ihdr.writeInt(height);
            ihdr.write(new byte[] {8, 6, 0, 0, 0}); // 8 bits, RGBA, deflate, no filter method, no interlace
            chunk(file, "IHDR", header.toByteArray());
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            byte[] row = new byte[1 + 4 * width];
            for (int x = 0; x < width; x++) {
                row[1 + 4 * x] = (byte) 0xc0;
                row[2 + 4 * x] = (byte) 0x80;
                row[3 + 4 * x] = 0x40;
                row[4 + 4 * x] = (byte) 0xff;
            }
            try (DeflaterOutputStream deflate = new DeflaterOutputStream(compressed, new Deflater(Deflater.BEST_SPEED))) {
                for (int y = 0; y < height; y++) {
                    deflate.write(row);
                }
            }
            chunk(file, "IDAT", compressed.toByteArray());
            chunk(file, "IEND", new byte[0]);
            return file.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chunk(ByteArrayOutputStream file, String type, byte[] data) throws IOException {
        DataOutputStream out = new DataOutputStream(file);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeInt(data.length);
        out.write(typeBytes);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }
}
