package io.imgpipe;

import static io.imgpipe.EngineHarness.onlyImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.imgpipe.fetch.AddressPolicy;
import io.imgpipe.fetch.FetcherConfig;
import io.imgpipe.image.CompressorConfig;
import io.imgpipe.image.ThumbnailatorCompressor;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.ImageOutput;
import io.imgpipe.testkit.NotificationLog;
import io.imgpipe.testkit.ShiftedClock;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessingEngineTest {

    /** The notification lease of {@link EngineHarness#fastConfig()}. */
    private static final Duration NOTIFICATION_LEASE = EngineHarness.fastConfig().build().notificationLease();
    /**
     * How long a check that nothing is processed watches: an engine that processes picks a task
     * up within its 50 ms poll interval.
     */
    private static final Duration NOTHING_HAPPENS = Duration.ofMillis(300);

    @TempDir
    Path dir;

    private EngineHarness h;
    private final byte[] jpeg = TestImages.jpeg(96, 64, 1);

    @BeforeEach
    void setUp() {
        h = new EngineHarness(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    @Test
    void completesEveryImageAndRecordsItsOutputUrl() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpeg));
        h.server.serve("/b.png", Reply.ok("image/png", TestImages.png(40, 30, 2)));
        ProcessingEngine engine = h.startEngine();

        String id = h.submit(engine, h.csv(List.of(List.of("/a.jpg", "/b.png"))));
        RequestStatus status = h.awaitCompletion(engine, id);

        assertThat(status.status()).isEqualTo(Status.COMPLETED);
        assertThat(status.progress()).isEqualTo(new Progress(2, 0, 0, 2, 0));
        assertThat(status.products().get(0).images()).extracting(ImageStatus::outputUrl)
                .containsExactly(java.net.URI.create("http://files.test/out/" + id + "/1-1.jpg"),
                        java.net.URI.create("http://files.test/out/" + id + "/1-2.jpg"));
        assertThat(h.store.get(id + "/1-1.jpg")).isPresent();
    }

    @Test
    void deletesAFinishedRequestWithEveryOutputItMayHaveStored() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpeg));
        h.server.serve("/gone.jpg", Reply.status(404));
        ProcessingEngine engine = h.startEngine();
        String id = h.submit(engine, h.csv(List.of(List.of("/a.jpg", "/gone.jpg"))));
        h.awaitCompletion(engine, id);
        String leftover = id + "/1-2.jpg"; // as if an earlier attempt stored it before failing
        h.store.put(leftover, jpeg, "image/jpeg");
        String kept = h.submit(engine, h.csv(List.of(List.of("/a.jpg"))));
        h.awaitCompletion(engine, kept);

        assertThat(engine.delete(id)).isTrue();

        assertThat(engine.status(id)).isEmpty();
        assertThat(h.store.get(id + "/1-1.jpg")).isEmpty();
        assertThat(h.store.get(leftover)).isEmpty();
        assertThat(h.store.get(kept + "/1-1.jpg")).as("another request's output").isPresent();
        assertThat(engine.status(kept)).isPresent();
        assertThat(engine.delete(id)).as("deleted already").isFalse();
    }

    @Test
    void refusesToDeleteARequestThatIsNotFinished() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpeg));
        ProcessingEngine api = h.buildEngine(b -> { });
        String id = h.submit(api, h.csv(List.of(List.of("/a.jpg"))));

        assertThatThrownBy(() -> api.delete(id)).isInstanceOf(RequestNotFinishedException.class)
                .hasMessageContaining(id).hasMessageContaining("not finished");
        assertThat(api.status(id)).isPresent();
        assertThat(api.delete("no-such-request")).isFalse();
    }

    @Test
    void failsA404SourceAtOnceAndStillFinishesTheRequest() throws Exception {
        h.server.serve("/ok.jpg", Reply.ok("image/jpeg", jpeg));
        ProcessingEngine engine = h.startEngine();

        String id = h.submit(engine, h.csv(List.of(List.of("/missing.jpg"), List.of("/ok.jpg"))));
        RequestStatus status = h.awaitCompletion(engine, id);

        assertThat(status.status()).isEqualTo(Status.FAILED);
        ImageStatus missing = onlyImage(status);
        assertThat(missing.status()).isEqualTo(Status.FAILED);
        assertThat(missing.error()).contains("404").contains("/missing.jpg");
        assertThat(missing.attempts()).isEqualTo(1);
        assertThat(missing.outputUrl()).isNull();
        assertThat(status.products().get(1).status()).isEqualTo(Status.COMPLETED);
        assertThat(h.server.hits("/missing.jpg")).isEqualTo(1);
    }

    @Test
    void retriesASourceThatAnswers503TwiceThenSucceeds() throws Exception {
        h.server.script("/flaky.jpg", Reply.status(503), Reply.status(503), Reply.ok("image/jpeg", jpeg));
        ProcessingEngine engine = h.startEngine();

        String id = h.submit(engine, h.csv(List.of(List.of("/flaky.jpg"))));
        RequestStatus status = h.awaitCompletion(engine, id);

        assertThat(status.status()).isEqualTo(Status.COMPLETED);
        assertThat(onlyImage(status).attempts()).isEqualTo(3);
        assertThat(h.server.hits("/flaky.jpg")).isEqualTo(3);
    }

    @Test
    void givesUpOnATransientFailureAfterMaxAttempts() throws Exception {
        h.server.serve("/down.jpg", Reply.status(503));
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .config(EngineHarness.fastConfig().maxAttempts(3).build()));

        String id = h.submit(engine, h.csv(List.of(List.of("/down.jpg"))));
        ImageStatus image = onlyImage(h.awaitCompletion(engine, id));

        assertThat(image.status()).isEqualTo(Status.FAILED);
        assertThat(image.error()).startsWith("gave up after 3 attempts").contains("503");
        assertThat(h.server.hits("/down.jpg")).isEqualTo(3);
    }

    @Test
    void failsHtmlServedInsteadOfAnImage() throws Exception {
        h.server.serve("/page.jpg", Reply.text("text/html", "<html><body>Not here</body></html>"));
        ProcessingEngine engine = h.startEngine();

        String id = h.submit(engine, h.csv(List.of(List.of("/page.jpg"))));
        ImageStatus image = onlyImage(h.awaitCompletion(engine, id));

        assertThat(image.status()).isEqualTo(Status.FAILED);
        assertThat(image.error()).contains("/page.jpg").containsIgnoringCase("image");
        assertThat(image.attempts()).isEqualTo(1);
    }

    @Test
    void failsABodyOverTheByteCap() throws Exception {
        h.server.serve("/big.jpg", Reply.ok("image/jpeg", jpeg));
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(
                EngineHarness.loopbackFetcherConfig().withMaxBytes(jpeg.length / 2))));

        String id = h.submit(engine, h.csv(List.of(List.of("/big.jpg"))));
        ImageStatus image = onlyImage(h.awaitCompletion(engine, id));

        assertThat(image.status()).isEqualTo(Status.FAILED);
        assertThat(image.error()).contains("/big.jpg");
        assertThat(image.attempts()).isEqualTo(1);
    }

    @Test
    void failsAnImageOverThePixelLimit() throws Exception {
        h.server.serve("/huge.jpg", Reply.ok("image/jpeg", jpeg));
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .compressor(new ThumbnailatorCompressor(CompressorConfig.defaults().withMaxPixels(1_000))));

        String id = h.submit(engine, h.csv(List.of(List.of("/huge.jpg"))));
        ImageStatus image = onlyImage(h.awaitCompletion(engine, id));

        assertThat(image.status()).isEqualTo(Status.FAILED);
        assertThat(image.error()).contains("96").contains("64");
        assertThat(image.attempts()).isEqualTo(1);
    }

    @Test
    void refusesALoopbackUrlUnderTheDefaultAddressPolicy() throws Exception {
        h.server.serve("/local.jpg", Reply.ok("image/jpeg", jpeg));
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(FetcherConfig.defaults())));

        String id = h.submit(engine, h.csv(List.of(List.of("/local.jpg"))));
        ImageStatus image = onlyImage(h.awaitCompletion(engine, id));

        assertThat(image.status()).isEqualTo(Status.FAILED);
        assertThat(image.error()).contains("127.0.0.1");
        assertThat(h.server.hits("/local.jpg")).isZero();
    }

    @Test
    void refusesARedirectFromAnAllowedHostToAPrivateAddress() throws Exception {
        h.server.serve("/hop.jpg", Reply.redirect(302, "http://10.0.0.1/secret.jpg"));
        AddressPolicy onlyTheTestServer = new AddressPolicy() {
            @Override
            public boolean allows(InetAddress address) {
                return address.getHostAddress().equals("127.0.0.1") || AddressPolicy.publicOnly().allows(address);
            }

            @Override
            public String describe() {
                return "public addresses and 127.0.0.1";
            }
        };
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(
                EngineHarness.loopbackFetcherConfig().withAddressPolicy(onlyTheTestServer))));

        String id = h.submit(engine, h.csv(List.of(List.of("/hop.jpg"))));
        ImageStatus image = onlyImage(h.awaitCompletion(engine, id));

        assertThat(image.status()).isEqualTo(Status.FAILED);
        assertThat(image.error()).contains("10.0.0.1");
        assertThat(image.attempts()).isEqualTo(1);
        assertThat(h.server.hits("/hop.jpg")).isEqualTo(1);
    }

    @Test
    void fetchesAUrlRepeatedWithinARequestOnce() throws Exception {
        h.server.serve("/logo.jpg", Reply.ok("image/jpeg", jpeg));
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", TestImages.jpeg(50, 50, 3)));
        ProcessingEngine engine = h.startEngine();

        String id = h.submit(engine, h.csv(List.of(List.of("/logo.jpg", "/a.jpg"), List.of("/logo.jpg"))));
        RequestStatus status = h.awaitCompletion(engine, id);

        assertThat(status.progress().completed()).isEqualTo(3);
        assertThat(h.server.hits("/logo.jpg")).isEqualTo(1);
        assertThat(status.products().get(1).images().get(0).outputUrl())
                .isEqualTo(status.products().get(0).images().get(0).outputUrl());
    }

    @Test
    void announcesEachFinishedRequestExactlyOnce() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpeg));
        ShiftedClock clock = new ShiftedClock();
        NotificationLog log = new NotificationLog(h.repository);
        ProcessingEngine engine = h.startEngine(log, b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .clock(clock));

        String first = h.submit(engine, h.csv(List.of(List.of("/a.jpg"), List.of("/a.jpg"))));
        String second = h.submit(engine, h.csv(List.of(List.of("/a.jpg"))));
        h.awaitCompletion(engine, first);
        h.awaitCompletion(engine, second);
        awaitASweepPastTheNotificationLease(clock, log, List.of(first, second), NOTIFICATION_LEASE);

        assertThat(h.completionsOf(first)).isEqualTo(1);
        assertThat(h.completionsOf(second)).isEqualTo(1);
        CompletedRequest done = h.completions.stream().filter(c -> c.requestId().equals(first)).findFirst().orElseThrow();
        assertThat(done.status()).isEqualTo(Status.COMPLETED);
        assertThat(done.progress().total()).isEqualTo(2);
    }

    @Test
    void aListenerThatAsksForRedeliveryIsCalledAgainAfterTheNotificationLease() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpeg));
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch secondCall = new java.util.concurrent.CountDownLatch(1);
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .onCompletion(request -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new ImgPipeException("webhook endpoint down", null, true);
                    }
                    secondCall.countDown();
                }));

        String id = h.submit(engine, h.csv(List.of(List.of("/a.jpg"))));

        assertThat(secondCall.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(calls).hasValue(2);
        assertThat(h.completionsOf(id)).as("other listeners are called again too").isEqualTo(2);
    }

    @Test
    void aListenerFailingPermanentlyIsNotCalledAgain() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpeg));
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        ShiftedClock clock = new ShiftedClock();
        NotificationLog log = new NotificationLog(h.repository);
        ProcessingEngine engine = h.startEngine(log, b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .clock(clock)
                .onCompletion(request -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("bug in a listener");
                }));

        String id = h.submit(engine, h.csv(List.of(List.of("/a.jpg"))));
        h.awaitCompletion(engine, id);
        awaitASweepPastTheNotificationLease(clock, log, List.of(id), NOTIFICATION_LEASE);

        assertThat(calls).hasValue(1);
        assertThat(h.completionsOf(id)).isEqualTo(1);
    }

    @Test
    void announcesEachRequestOnceEvenWhenNotificationsQueueUpLongerThanTheirLease() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpeg));
        Duration lease = Duration.ofMillis(600);
        ShiftedClock clock = new ShiftedClock();
        NotificationLog log = new NotificationLog(h.repository);
        ProcessingEngine engine = h.startEngine(log, b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .clock(clock)
                .config(EngineHarness.fastConfig().notificationLease(lease).build())
                .onCompletion(request -> sleep(Duration.ofMillis(500)))); // a slow listener: deliveries queue up

        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(h.submit(engine, h.csv(List.of(List.of("/a.jpg")))));
        }
        for (String id : ids) {
            h.awaitCompletion(engine, id);
        }
        awaitASweepPastTheNotificationLease(clock, log, ids, lease);

        assertThat(ids).allSatisfy(id -> assertThat(h.completionsOf(id)).as(id).isEqualTo(1));
    }

    @Test
    void aTaskThatOutlivesItsLeaseKeepsItByRenewalAndCompletesOnItsFirstAttempt() throws Exception {
        h.server.serve("/slow.jpg", Reply.ok("image/jpeg", jpeg).delayedBy(Duration.ofSeconds(3)));
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .config(EngineHarness.fastConfig().leaseDuration(Duration.ofMillis(800)).build()));

        String id = h.submit(engine, h.csv(List.of(List.of("/slow.jpg"))));
        ImageStatus image = onlyImage(h.awaitCompletion(engine, id));

        assertThat(image.status()).isEqualTo(Status.COMPLETED);
        assertThat(image.attempts()).isEqualTo(1);
        assertThat(h.server.hits("/slow.jpg")).isEqualTo(1);
    }

    @Test
    void slowHousekeepingDoesNotLetLeasesLapse() throws Exception {
        h.server.serve("/slow.jpg", Reply.ok("image/jpeg", jpeg).delayedBy(Duration.ofSeconds(4)));
        io.imgpipe.testkit.ForwardingProductRepository slowSweeps = new io.imgpipe.testkit.ForwardingProductRepository(
                h.repository) {
            @Override
            public List<String> findFinishable(int limit) {
                sleep(Duration.ofMillis(2_500));
                return super.findFinishable(limit);
            }
        };
        ProcessingEngine engine = ProcessingEngine.builder().repository(slowSweeps).objectStore(h.store)
                .fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .config(EngineHarness.fastConfig().leaseDuration(Duration.ofSeconds(1)).build())
                .build();
        try {
            engine.start();
            String id = h.submit(engine, h.csv(List.of(List.of("/slow.jpg"))));
            long deadline = System.nanoTime() + EngineHarness.WAIT.toNanos();
            while (engine.status(id).orElseThrow().status() != Status.COMPLETED && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }

            ImageStatus image = onlyImage(engine.status(id).orElseThrow());
            assertThat(image.status()).isEqualTo(Status.COMPLETED);
            assertThat(image.attempts()).isEqualTo(1);
            assertThat(h.server.hits("/slow.jpg")).isEqualTo(1);
        } finally {
            engine.close();
        }
    }

    @Test
    void writesTheOutputCsvWithOutputUrlsAlignedToInputs() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpeg));
        ProcessingEngine engine = h.startEngine();
        String csv = "Product Name,Input Image Urls,S. No.\n"
                + "\"Shoe, red\",\"" + h.server.url("/a.jpg") + ", " + h.server.url("/gone.jpg") + "\",5\n"
                + "Hat," + h.server.url("/a.jpg") + ",2\n";

        String id = h.submit(engine, csv);
        h.awaitCompletion(engine, id);
        StringWriter out = new StringWriter();

        assertThat(engine.outputCsv(id, out)).isTrue();
        String out1 = "http://files.test/out/" + id + "/5-1.jpg";
        assertThat(out.toString()).isEqualTo("S. No.,Product Name,Input Image Urls,Output Image Urls\r\n"
                + "5,\"Shoe, red\",\"" + h.server.url("/a.jpg") + "," + h.server.url("/gone.jpg") + "\",\"" + out1 + ",\"\r\n"
                + "2,Hat," + h.server.url("/a.jpg") + "," + out1 + "\r\n");
    }

    @Test
    void ordersStatusProductsBySerialNumber() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpeg));
        ProcessingEngine engine = h.startEngine();
        String url = h.server.url("/a.jpg").toString();

        String id = h.submit(engine, "S. No.,Product Name,Input Image Urls\n3,C," + url + "\n1,A," + url + "\n2,B," + url + "\n");

        assertThat(h.awaitCompletion(engine, id).products()).extracting(ProductStatus::productName)
                .containsExactly("A", "B", "C");
    }

    @Test
    void answersNothingForAnUnknownOrMalformedRequestId() throws Exception {
        ProcessingEngine engine = h.startEngine();

        assertThat(engine.status("no-such-request")).isEmpty();
        assertThat(engine.status("../../etc/passwd")).isEmpty();
        assertThat(engine.outputCsv("no-such-request", new StringWriter())).isFalse();
    }

    @Test
    void refusesAnInvalidCsvAndStoresNothing() throws Exception {
        ProcessingEngine engine = h.startEngine();

        assertThatThrownBy(() -> h.submit(engine, "S. No.,Product Name,Input Image Urls\n1,,ftp://x.test/a.jpg\n"))
                .isInstanceOf(CsvValidationException.class)
                .satisfies(e -> assertThat(((CsvValidationException) e).problems()).hasSizeGreaterThanOrEqualTo(2));
        assertThat(h.repository.claim("probe", 10, Instant.now(), Duration.ofMinutes(1))).isEmpty();
    }

    @Test
    void anEngineThatIsNotStartedTakesUploadsButProcessesNothing() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpeg));
        ProcessingEngine api = h.buildEngine(b -> { });

        String id = h.submit(api, h.csv(List.of(List.of("/a.jpg"))));

        await().during(NOTHING_HAPPENS).atMost(NOTHING_HAPPENS.multipliedBy(4))
                .until(() -> api.status(id).orElseThrow().status() == Status.PENDING && h.server.hits("/a.jpg") == 0);
    }

    @Test
    void anEngineThatStoppedClaimingFinishesWhatItHoldsButTakesNothingNew() throws Exception {
        h.server.serve("/slow.jpg", Reply.ok("image/jpeg", jpeg).delayedBy(Duration.ofMillis(500)));
        h.server.serve("/later.jpg", Reply.ok("image/jpeg", jpeg));
        ProcessingEngine engine = h.startEngine();
        String held = h.submit(engine, h.csv(List.of(List.of("/slow.jpg"))));
        awaitHits("/slow.jpg", 1);

        engine.stopClaiming();
        String later = h.submit(engine, h.csv(List.of(List.of("/later.jpg"))));

        assertThat(h.awaitCompletion(engine, held).status()).isEqualTo(Status.COMPLETED);
        await().during(NOTHING_HAPPENS).atMost(NOTHING_HAPPENS.multipliedBy(4))
                .until(() -> engine.status(later).orElseThrow().status() == Status.PENDING
                        && h.server.hits("/later.jpg") == 0);
    }

    @Test
    void closeReleasesTasksStillInFlightUnprocessed() throws Exception {
        h.server.serve("/slow.jpg", Reply.ok("image/jpeg", jpeg).delayedBy(Duration.ofSeconds(20)));
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()
                .withTotalTimeout(Duration.ofSeconds(60))))
                .config(EngineHarness.fastConfig().shutdownTimeout(Duration.ofMillis(200)).build()));
        String id = h.submit(engine, h.csv(List.of(List.of("/slow.jpg"))));
        awaitHits("/slow.jpg", 1);

        engine.close();

        ImageStatus image = onlyImage(engine.status(id).orElseThrow());
        assertThat(image.status()).isEqualTo(Status.PENDING);
        assertThat(image.attempts()).isZero();
    }

    @Test
    void anotherEngineFinishesWorkReleasedByAClosedOne() throws Exception {
        h.server.script("/slow-then-fast.jpg", Reply.ok("image/jpeg", jpeg).delayedBy(Duration.ofSeconds(20)),
                Reply.ok("image/jpeg", jpeg));
        ProcessingEngine first = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()
                .withTotalTimeout(Duration.ofSeconds(60))))
                .config(EngineHarness.fastConfig().shutdownTimeout(Duration.ofMillis(200)).build()));
        String id = h.submit(first, h.csv(List.of(List.of("/slow-then-fast.jpg"))));
        awaitHits("/slow-then-fast.jpg", 1);
        first.close();

        ProcessingEngine second = h.startEngine();
        RequestStatus status = h.awaitCompletion(second, id);

        assertThat(status.status()).isEqualTo(Status.COMPLETED);
        assertThat(onlyImage(status).attempts()).isEqualTo(1);
    }

    @Test
    void recordsTheSizesOfEachSourceAndOutput() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpeg));
        ProcessingEngine engine = h.startEngine();

        String id = h.submit(engine, h.csv(List.of(List.of("/a.jpg"))));
        ImageStatus image = onlyImage(h.awaitCompletion(engine, id));

        assertThat(image.sourceBytes()).isEqualTo(jpeg.length);
        assertThat(image.outputBytes()).isEqualTo(h.store.get(id + "/1-1.jpg").orElseThrow().length);
        assertThat(image).extracting(ImageStatus::width, ImageStatus::height).containsExactly(96, 64);
    }

    @Test
    void anImageWhoseWorkersKeptDyingFailsOnceAbandonedMoreThanTheLimit() throws Exception {
        h.server.serve("/poison.jpg", Reply.ok("image/jpeg", jpeg));
        ProcessingEngine api = h.buildEngine(b -> { });
        String id = h.submit(api, h.csv(List.of(List.of("/poison.jpg"))));
        abandonClaims(4);

        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .config(EngineHarness.fastConfig().maxAbandoned(3).build()));
        RequestStatus status = h.awaitCompletion(engine, id);

        assertThat(status.status()).isEqualTo(Status.FAILED);
        assertThat(onlyImage(status).error()).startsWith("abandoned 4 times");
        assertThat(h.server.hits("/poison.jpg")).as("not fetched again").isZero();
    }

    @Test
    void abandonedClaimsUpToTheLimitUseUpNoAttempt() throws Exception {
        h.server.serve("/survivor.jpg", Reply.ok("image/jpeg", jpeg));
        ProcessingEngine api = h.buildEngine(b -> { });
        String id = h.submit(api, h.csv(List.of(List.of("/survivor.jpg"))));
        abandonClaims(3);

        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .config(EngineHarness.fastConfig().maxAbandoned(3).maxAttempts(1).build()));
        RequestStatus status = h.awaitCompletion(engine, id);

        assertThat(onlyImage(status)).extracting(ImageStatus::status, ImageStatus::error, ImageStatus::attempts)
                .containsExactly(Status.COMPLETED, null, 1);
    }

    /**
     * Claims the only task {@code times} times in the past under leases that expire at once, as
     * workers that die would: the engine's claim is then the {@code times}-th take-over.
     */
    private void abandonClaims(int times) {
        Instant past = Instant.now().minus(Duration.ofHours(1));
        for (int i = 0; i < times; i++) {
            List<ClaimedTask> claimed = h.repository.claim("dead-" + i, 1, past.plusMillis(i), Duration.ofMillis(1));
            assertThat(claimed).hasSize(1);
            assertThat(claimed.get(0).abandoned()).isEqualTo(i);
        }
    }

    @Test
    void reclaimsATaskWhoseWorkerDiedAfterItsLeaseExpires() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpeg));
        ProcessingEngine api = h.buildEngine(b -> { });
        String id = h.submit(api, h.csv(List.of(List.of("/a.jpg"))));
        List<ClaimedTask> stolen = h.repository.claim("dead-worker", 10, Instant.now(), Duration.ofMillis(700));
        assertThat(stolen).hasSize(1);

        ProcessingEngine engine = h.startEngine();
        RequestStatus status = h.awaitCompletion(engine, id);

        assertThat(status.status()).isEqualTo(Status.COMPLETED);
        assertThat(onlyImage(status).attempts()).as("a dead worker's claim is not an attempt").isEqualTo(1);
        assertThat(h.repository.complete(stolen.get(0).lease(),
                new ImageOutput(java.net.URI.create("http://stale.test/"), 1, 1, 1, 1), Instant.now()))
                .as("the dead worker's late write is fenced off").isFalse();
    }

    @Test
    void finishesARequestWhoseLastWorkerDiedBeforeFinishingIt() throws Exception {
        ProcessingEngine api = h.buildEngine(b -> { });
        String id = h.submit(api, h.csv(List.of(List.of("/a.jpg"))));
        for (ClaimedTask task : h.repository.claim("dead-worker", 10, Instant.now(), Duration.ofMinutes(5))) {
            h.repository.fail(task.lease(), "simulated", Instant.now());
        }

        ProcessingEngine engine = h.startEngine();

        assertThat(h.awaitCompletion(engine, id).status()).isEqualTo(Status.FAILED);
        assertThat(h.completionsOf(id)).isEqualTo(1);
    }

    @Test
    void announcesARequestWhoseFinisherDiedBeforeAnnouncingIt() throws Exception {
        ProcessingEngine api = h.buildEngine(b -> { });
        String id = h.submit(api, h.csv(List.of(List.of("/a.jpg"))));
        for (ClaimedTask task : h.repository.claim("dead-worker", 10, Instant.now(), Duration.ofMinutes(5))) {
            h.repository.fail(task.lease(), "simulated", Instant.now());
        }
        assertThat(h.repository.finishIfDone(id, "dead-worker", Instant.now(), Duration.ofMillis(500))).isPresent();

        ProcessingEngine engine = h.startEngine();

        assertThat(h.awaitCompletion(engine, id).status()).isEqualTo(Status.FAILED);
        assertThat(h.completionsOf(id)).isEqualTo(1);
    }

    @Test
    void submitAfterCloseIsRefused() throws Exception {
        ProcessingEngine engine = h.startEngine();
        engine.close();

        assertThatThrownBy(() -> engine.submit(new ByteArrayInputStream("x".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void startTwiceIsRefused() {
        ProcessingEngine engine = h.startEngine();

        assertThatThrownBy(engine::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void reportsHealthOfRepositoryAndStore() {
        ProcessingEngine engine = h.buildEngine(b -> { });

        assertThat(engine.health().isUp()).isTrue();
    }

    /**
     * Waits until the requests are recorded as announced, moves the engine's clock past the
     * notification lease, and waits for the engine's next notification sweep, which must claim
     * nothing: an announcement that could repeat would be claimed by that sweep.
     */
    private static void awaitASweepPastTheNotificationLease(ShiftedClock clock, NotificationLog log, List<String> ids,
            Duration lease) {
        await().atMost(EngineHarness.WAIT).until(() -> log.notified(ids));
        Instant pastTheLease = clock.advance(lease.plusSeconds(1));
        await().atMost(EngineHarness.WAIT).until(() -> !log.sweepsSince(pastTheLease).isEmpty());
        assertThat(log.sweepsSince(pastTheLease)).allSatisfy(sweep -> assertThat(sweep.claimed()).isEmpty());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitHits(String path, int hits) throws InterruptedException {
        long deadline = System.nanoTime() + EngineHarness.WAIT.toNanos();
        while (h.server.hits(path) < hits) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + " was not requested");
            }
            Thread.sleep(10);
        }
    }

}
