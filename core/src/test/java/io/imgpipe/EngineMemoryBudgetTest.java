package io.imgpipe;

import static io.imgpipe.EngineHarness.onlyImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.imgpipe.image.ThumbnailatorCompressor;
import io.imgpipe.spi.CompressedImage;
import io.imgpipe.spi.ImageCompressor;
import io.imgpipe.spi.ImageInfo;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's memory budget: what cannot fit fails at once, saying what it needs; what cannot fit
 * now waits, holding nothing (a body waits on disk); waiting for memory uses no attempt.
 */
class EngineMemoryBudgetTest {

    private static final long ONE_MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @TempDir
    Path spill;

    private EngineHarness h;

    @BeforeEach
    void setUp() {
        h = new EngineHarness(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    @Test
    void anImageThatNeedsMoreThanTheWholeBudgetFailsAtOnceSayingWhatItNeedsAndWhatToRaise() throws Exception {
        byte[] png = TestImages.encode(new BufferedImage(600, 600, BufferedImage.TYPE_INT_RGB), "png");
        h.server.serve("/big.png", Reply.ok("image/png", png)); // small on the wire, over 1.44 MB of pixels
        long working = new ThumbnailatorCompressor().probe(png).workingBytes();
        assertThat(working).as("the compressor's estimate: at least the decoded pixels").isGreaterThan(ONE_MIB);
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .config(EngineHarness.fastConfig().memoryBudget(ONE_MIB).spillDirectory(spill).build()));

        String id = h.submit(engine, h.csv(List.of(List.of("/big.png"))));
        ImageStatus image = onlyImage(h.awaitCompletion(engine, id));

        assertThat(image.status()).isEqualTo(Status.FAILED);
        assertThat(image.attempts()).as("not retried: it cannot fit however long it waits").isEqualTo(1);
        assertThat(image.error()).contains("png image of 600x600 needs", String.format(Locale.ROOT, "%,d bytes of working memory, and its", working),
                "whole memory budget of 1.0 MiB (1,048,576 bytes)", "raise EngineConfig.memoryBudget");
        assertThat(h.server.hits("/big.png")).isEqualTo(1);
    }

    @Test
    void aBodyLargerThanTheWholeBudgetIsRefusedAtOnceBeforeItIsRead() throws Exception {
        byte[] body = noiseJpeg(600, 600);
        assertThat(body.length).as("fixture size").isGreaterThan((int) ONE_MIB / 2);
        h.server.serve("/huge.jpg", Reply.ok("image/jpeg", body));
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .config(EngineHarness.fastConfig().memoryBudget(ONE_MIB).spillDirectory(spill).build()));

        String id = h.submit(engine, h.csv(List.of(List.of("/huge.jpg"))));
        ImageStatus image = onlyImage(h.awaitCompletion(engine, id));

        assertThat(image.status()).isEqualTo(Status.FAILED);
        assertThat(image.attempts()).isEqualTo(1);
        assertThat(image.error()).contains("a body of", "cannot fit in the engine's memory budget of 1.0 MiB",
                "counts a body twice",
                "raise EngineConfig.memoryBudget", "TOO_LARGE, permanent");
    }

    @Test
    void aBodyWaitsOnDiskForWorkingMemoryHoldingNoneAndThenCompletes() throws Exception {
        h.server.serve("/first.jpg", Reply.ok("image/jpeg", TestImages.jpeg(96, 64, 1)));
        h.server.serve("/second.jpg", Reply.ok("image/jpeg", TestImages.jpeg(64, 48, 2)));
        GatedCompressor compressor = new GatedCompressor(info -> 700 * 1024); // two never fit in 1 MiB together
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .compressor(compressor)
                .config(EngineHarness.fastConfig().memoryBudget(ONE_MIB).spillDirectory(spill).build()));

        String id = h.submit(engine, h.csv(List.of(List.of("/first.jpg"), List.of("/second.jpg"))));
        assertThat(compressor.firstCompressing.await(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(EngineHarness.WAIT).until(() -> filesIn(spill) == 1);

        compressor.open.countDown();
        RequestStatus status = h.awaitCompletion(engine, id);

        assertThat(status.status()).isEqualTo(Status.COMPLETED);
        assertThat(status.products()).flatExtracting(ProductStatus::images).extracting(ImageStatus::attempts)
                .containsOnly(1);
        assertThat(filesIn(spill)).as("a spilled body is deleted once read back").isZero();
    }

    @Test
    void aFetchThatWaitedForMemoryUntilItsTimeoutUsesNoAttempt() throws Exception {
        byte[] hogBody = TestImages.jpeg(96, 64, 1);
        h.server.serve("/hog.jpg", Reply.ok("image/jpeg", hogBody));
        h.server.serve("/small.jpg", Reply.ok("image/jpeg", TestImages.jpeg(64, 48, 2)));
        GatedCompressor compressor = new GatedCompressor(info -> info.width() == 96 ? ONE_MIB - 2 * hogBody.length - 100 : 1);
        ProcessingEngine engine = h.startEngine(b -> b
                .fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig().withTotalTimeout(Duration.ofMillis(500))))
                .compressor(compressor)
                .config(EngineHarness.fastConfig().memoryBudget(ONE_MIB).spillDirectory(spill).maxAttempts(1).build()));

        String hog = h.submit(engine, h.csv(List.of(List.of("/hog.jpg"))));
        assertThat(compressor.firstCompressing.await(30, TimeUnit.SECONDS)).isTrue();
        String small = h.submit(engine, h.csv(List.of(List.of("/small.jpg"))));
        await().atMost(EngineHarness.WAIT).until(() -> h.server.hits("/small.jpg") >= 2);

        compressor.open.countDown();

        ImageStatus image = onlyImage(h.awaitCompletion(engine, small));
        assertThat(image.status()).as("its only attempt was not used up by the waits").isEqualTo(Status.COMPLETED);
        assertThat(image.attempts()).isEqualTo(1);
        assertThat(onlyImage(h.awaitCompletion(engine, hog)).status()).isEqualTo(Status.COMPLETED);
    }

    /** The real compressor, whose working memory is what the test says and whose first compression waits for a gate. */
    private static final class GatedCompressor implements ImageCompressor {
        final CountDownLatch firstCompressing = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);
        private final ThumbnailatorCompressor real = new ThumbnailatorCompressor();
        private final ToLongFunction<ImageInfo> workingBytes;

        GatedCompressor(ToLongFunction<ImageInfo> workingBytes) {
            this.workingBytes = workingBytes;
        }

        @Override
        public ImageInfo probe(byte[] source) {
            ImageInfo info = real.probe(source);
            return new ImageInfo(info.format(), info.width(), info.height(), workingBytes.applyAsLong(info));
        }

        @Override
        public CompressedImage compress(byte[] source) {
            if (firstCompressing.getCount() > 0) {
                firstCompressing.countDown();
                try {
                    open.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return real.compress(source);
        }
    }

    private static byte[] noiseJpeg(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return TestImages.encodeJpeg(image, 1.0f);
    }

    private static long filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.count();
        }
    }
}
