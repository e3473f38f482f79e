package io.imgpipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.imgpipe.spi.Lease;
import io.imgpipe.testkit.ForwardingProductRepository;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One slow or dead host cannot hold every I/O slot: fetches per host are limited, tasks waiting
 * for their host hold no slot, and a host that keeps timing out is backed off as a whole.
 */
class EngineHostLimitsTest {

    @TempDir
    Path dir;

    private EngineHarness h;
    private NeverAnsweringServer dead;
    private final byte[] jpeg = TestImages.jpeg(96, 64, 1);

    @BeforeEach
    void setUp() {
        h = new EngineHarness(dir);
        dead = NeverAnsweringServer.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        dead.close();
        h.close();
    }

    @Test
    void aOneImageRequestCompletesWhileARequestOfTwoHundredNeverAnsweringUrlsIsInProgress() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpeg));
        ProcessingEngine engine = h.startEngine();
        String stalled = submit(engine, urls(dead, 200));
        await().atMost(EngineHarness.WAIT).until(() -> dead.open() == engine.config().maxFetchesPerHost());

        long start = System.nanoTime();
        String small = h.submit(engine, h.csv(List.of(List.of("/a.jpg"))));
        RequestStatus done = h.awaitCompletion(engine, small);
        System.out.printf("the one-image request completed %d ms after it was submitted%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

        assertThat(done.status()).isEqualTo(Status.COMPLETED);
        assertThat(engine.status(stalled).orElseThrow().finishedAt()).as("the stalled request is still in progress")
                .isNull();
        assertThat(dead.mostOpen()).as("fetches from the dead host at once")
                .isEqualTo(engine.config().maxFetchesPerHost());
    }

    @Test
    void theLimitOfFetchesPerHostIsASetting() throws Exception {
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .config(EngineHarness.fastConfig().maxFetchesPerHost(2).build()));

        submit(engine, urls(dead, 20));
        await().atMost(EngineHarness.WAIT).until(() -> dead.open() == 2);

        assertThat(dead.mostOpen()).isEqualTo(2);
    }

    @Test
    void aHostThatKeepsTimingOutIsBackedOffAsAWholeAndItsImagesStillFailAfterTheirAttempts() throws Exception {
        ProcessingEngine engine = h.startEngine(b -> b
                .fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig().withTotalTimeout(Duration.ofMillis(500))))
                .config(EngineHarness.fastConfig().maxAttempts(3).hostFailuresBeforeBackoff(3)
                        .hostBackoff(Duration.ofMillis(100)).build()));

        String id = submit(engine, urls(dead, 40));
        RequestStatus status = h.awaitCompletion(engine, id);

        assertThat(status.status()).isEqualTo(Status.FAILED);
        List<ImageStatus> images = status.products().stream().flatMap(p -> p.images().stream()).toList();
        assertThat(images).hasSize(40).allSatisfy(image -> {
            assertThat(image.status()).isEqualTo(Status.FAILED);
            assertThat(image.attempts()).isEqualTo(3);
            assertThat(image.error()).startsWith("gave up after 3 attempts: ");
        });
        assertThat(images).anySatisfy(image -> assertThat(image.error()).contains("not fetched: host 127.0.0.1:",
                "is backed off", "fetches in a row timed out or could not connect"));
        assertThat(dead.accepted()).as("connections for 40 images x 3 attempts: the host was tried as a whole")
                .isLessThan(40);
    }

    @Test
    void closeGivesTheTasksWaitingForTheirHostBackUnprocessed() throws Exception {
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .config(EngineHarness.fastConfig().ioConcurrency(4).maxFetchesPerHost(1)
                        .shutdownTimeout(Duration.ofMillis(200)).build()));
        String id = submit(engine, urls(dead, 10));
        await().atMost(EngineHarness.WAIT)
                .until(() -> engine.status(id).orElseThrow().progress().processing() == 4 && dead.open() == 1);

        engine.close();

        RequestStatus status = engine.status(id).orElseThrow();
        assertThat(status.progress().processing()).as("nothing left held until its lease expires").isZero();
        assertThat(status.products()).flatExtracting(ProductStatus::images).extracting(ImageStatus::attempts)
                .as("no attempt used").containsOnly(0);
    }

    @Test
    void aTaskWaitingForItsHostStartsAsSoonAsTheHostHasRoom() throws Exception {
        for (int i = 1; i <= 6; i++) {
            h.server.serve("/slow" + i + ".jpg", Reply.ok("image/jpeg", jpeg).delayedBy(Duration.ofMillis(200)));
        }
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .config(EngineHarness.fastConfig().maxFetchesPerHost(1).build()));

        String id = h.submit(engine, h.csv(IntStream.rangeClosed(1, 6).mapToObj(i -> List.of("/slow" + i + ".jpg"))
                .toList()));
        RequestStatus status = h.awaitCompletion(engine, id);

        assertThat(status.status()).isEqualTo(Status.COMPLETED);
        assertThat(status.products()).flatExtracting(ProductStatus::images).extracting(ImageStatus::attempts)
                .as("waiting for the host used no attempt").containsOnly(1);
    }

    @Test
    void aBusyHostWhoseRequestIsTheOnlyWorkDoesNotMakeTheEngineClaimAndReleaseInALoop() throws Exception {
        int images = 40;
        for (int i = 1; i <= images; i++) {
            h.server.serve("/slow" + i + ".jpg", Reply.ok("image/jpeg", jpeg).delayedBy(Duration.ofMillis(50)));
        }
        AtomicInteger releases = new AtomicInteger();
        ForwardingProductRepository counting = new ForwardingProductRepository(h.repository) {
            @Override
            public boolean release(Lease lease, Instant notBefore) {
                releases.incrementAndGet();
                return super.release(lease, notBefore);
            }
        };
        try (ProcessingEngine engine = ProcessingEngine.builder().repository(counting).objectStore(h.store)
                .fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .config(EngineHarness.fastConfig().ioConcurrency(4).maxFetchesPerHost(1).build()).build()) {
            engine.start();

            String id = h.submit(engine, h.csv(IntStream.rangeClosed(1, images)
                    .mapToObj(i -> List.of("/slow" + i + ".jpg")).toList()));
            RequestStatus status = EngineHarness.awaitFinished(engine, id);

            assertThat(status.status()).isEqualTo(Status.COMPLETED);
            System.out.printf("%d tasks given back while one host served %d images one at a time%n", releases.get(),
                    images);
            assertThat(releases.get()).as("tasks given back while one host served %d images one at a time", images)
                    .isLessThan(images);
        }
    }

    private static List<URI> urls(NeverAnsweringServer server, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> server.url("/" + i + ".jpg")).toList();
    }

    private static String submit(ProcessingEngine engine, List<URI> urls) throws IOException {
        StringBuilder csv = new StringBuilder("S. No.,Product Name,Input Image Urls\n");
        for (int i = 0; i < urls.size(); i++) {
            csv.append(i + 1).append(",Product ").append(i + 1).append(',').append(urls.get(i)).append('\n');
        }
        return engine.submit(new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)),
                SubmitOptions.none());
    }
}
