package io.imgpipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.imgpipe.spi.Lease;
import io.imgpipe.testkit.ForwardingProductRepository;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's Micrometer meters, read from a {@link SimpleMeterRegistry} after a real engine has
 * processed images served on loopback into the in-memory repository and the file-system store.
 */
class EngineMetricsTest {

    @TempDir
    Path dir;

    private EngineHarness h;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final byte[] jpegA = TestImages.jpeg(96, 64, 1);
    private final byte[] jpegB = TestImages.jpeg(120, 80, 2);

    @BeforeEach
    void setUp() {
        h = new EngineHarness(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
        registry.close();
    }

    @Test
    void countsFinishedImagesByOutcomeAndReasonAndTimesEachStage() throws Exception {
        byte[] corrupt = corruptJpeg();
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpegA));
        h.server.serve("/b.jpg", Reply.ok("image/jpeg", jpegB));
        h.server.serve("/corrupt.jpg", Reply.ok("image/jpeg", corrupt));
        h.server.serve("/missing.jpg", Reply.status(404));
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .meterRegistry(registry));

        String requestId = h.submit(engine, h.csv(List.of(List.of("/a.jpg", "/b.jpg"), List.of("/missing.jpg"),
                List.of("/corrupt.jpg"))));
        RequestStatus status = h.awaitCompletion(engine, requestId);

        assertThat(status.status()).isEqualTo(Status.FAILED);
        assertThat(counter("imgpipe.images.finished", "outcome", "completed", "reason", "none")).isEqualTo(2);
        assertThat(counter("imgpipe.images.finished", "outcome", "failed", "reason", "http-client-error")).isEqualTo(1);
        assertThat(counter("imgpipe.images.finished", "outcome", "failed", "reason", "compress")).isEqualTo(1);
        assertThat(registry.find("imgpipe.images.finished").tag("outcome", "failed").counters().stream()
                .mapToDouble(Counter::count).sum()).isEqualTo(2);
        assertThat(counter("imgpipe.requests.finished", "status", "failed")).isEqualTo(1);
        assertThat(counter("imgpipe.requests.finished", "status", "completed")).isZero();
        assertThat(counter("imgpipe.listener.calls", "outcome", "success")).isEqualTo(1);

        assertThat(timer("fetch", "success").count()).isEqualTo(3);
        assertThat(timer("fetch", "failure").count()).isEqualTo(1);
        assertThat(timer("compress", "success").count()).isEqualTo(2);
        assertThat(timer("store", "success").count()).isEqualTo(2);
        Timer fetch = timer("fetch", "success");
        assertThat(fetch.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        HistogramSnapshot snapshot = fetch.takeSnapshot();
        assertThat(Arrays.stream(snapshot.percentileValues()).map(ValueAtPercentile::percentile))
                .containsExactly(0.5, 0.95, 0.99);
        assertThat(Arrays.stream(snapshot.percentileValues()).mapToDouble(v -> v.value(TimeUnit.NANOSECONDS)))
                .allMatch(nanos -> nanos > 0);

        DistributionSummary input = registry.get("imgpipe.image.input.size").summary();
        assertThat(input.count()).isEqualTo(3);
        assertThat(input.totalAmount()).isEqualTo(jpegA.length + jpegB.length + corrupt.length);
        DistributionSummary output = registry.get("imgpipe.image.output.size").summary();
        assertThat(output.count()).isEqualTo(2);
        assertThat(output.totalAmount()).isEqualTo(storedBytes());
        assertThat(output.getId().getBaseUnit()).isEqualTo("bytes");

        await().atMost(EngineHarness.WAIT).until(() -> gauge("imgpipe.images.in.flight") == 0);
        assertThat(gauge("imgpipe.images.pending")).isZero();
    }

    @Test
    void countsRetriesByReasonAndTheImageCompletedAfterThem() throws Exception {
        h.server.script("/flaky.jpg", Reply.status(503), Reply.ok("image/jpeg", jpegA));
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .meterRegistry(registry));

        String requestId = h.submit(engine, h.csv(List.of(List.of("/flaky.jpg"))));
        h.awaitCompletion(engine, requestId);

        assertThat(counter("imgpipe.images.retried", "reason", "http-server-error")).isEqualTo(1);
        assertThat(counter("imgpipe.images.finished", "outcome", "completed", "reason", "none")).isEqualTo(1);
        assertThat(counter("imgpipe.requests.finished", "status", "completed")).isEqualTo(1);
    }

    @Test
    void pendingImagesAreTheRepositoryCountsAndTheGaugesGoWhenTheEngineCloses() throws Exception {
        ProcessingEngine engine = h.buildEngine(b -> b.meterRegistry(registry));

        h.submit(engine, h.csv(List.of(List.of("/a.jpg", "/b.jpg"), List.of("/c.jpg"))));

        assertThat(gauge("imgpipe.images.pending")).isEqualTo(3);
        engine.close();
        assertThat(registry.find("imgpipe.images.pending").gauge()).isNull();
        assertThat(registry.find("imgpipe.images.finished").counters()).isNotEmpty();
    }

    @Test
    void countsTaskLeaseRenewalsWhileAFetchIsSlow() throws Exception {
        h.server.serve("/slow.jpg", Reply.ok("image/jpeg", jpegA).delayedBy(Duration.ofMillis(1500)));
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .config(EngineHarness.fastConfig().leaseDuration(Duration.ofMillis(600)).build())
                .meterRegistry(registry));

        String requestId = h.submit(engine, h.csv(List.of(List.of("/slow.jpg"))));
        h.awaitCompletion(engine, requestId);

        assertThat(counter("imgpipe.leases.renewed", "kind", "task")).isGreaterThanOrEqualTo(1);
        assertThat(counter("imgpipe.leases.lost", "kind", "task")).isZero();
    }

    @Test
    void countsATaskLeaseFoundTakenOver() throws Exception {
        h.server.serve("/slow.jpg", Reply.ok("image/jpeg", jpegA).delayedBy(Duration.ofMillis(1500)));
        ForwardingProductRepository takenOver = new ForwardingProductRepository(h.repository) {
            @Override
            public boolean renew(Lease lease, Instant newExpiry) {
                return false;
            }
        };
        try (ProcessingEngine engine = ProcessingEngine.builder()
                .repository(takenOver)
                .objectStore(h.store)
                .fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .config(EngineHarness.fastConfig().leaseDuration(Duration.ofMillis(600)).build())
                .meterRegistry(registry)
                .build()) {
            engine.start();
            h.submit(engine, h.csv(List.of(List.of("/slow.jpg"))));

            await().atMost(EngineHarness.WAIT).until(() -> counter("imgpipe.leases.lost", "kind", "task") >= 1);
        }
        assertThat(counter("imgpipe.leases.renewed", "kind", "task")).isZero();
    }

    @Test
    void countsListenerCallsThatThrew() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpegA));
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .onCompletion(done -> {
                    throw new IllegalStateException("listener bug");
                })
                .meterRegistry(registry));

        String requestId = h.submit(engine, h.csv(List.of(List.of("/a.jpg"))));
        h.awaitCompletion(engine, requestId);

        await().atMost(EngineHarness.WAIT)
                .until(() -> counter("imgpipe.listener.calls", "outcome", "failure") == 1);
        assertThat(counter("imgpipe.listener.calls", "outcome", "success")).isEqualTo(1);
    }

    @Test
    void aSecondRegistryIsRefusedNamingTheSetting() {
        ProcessingEngine.Builder builder = ProcessingEngine.builder().meterRegistry(registry);

        assertThatThrownBy(() -> builder.meterRegistry(new SimpleMeterRegistry()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("meterRegistry");
    }

    private double counter(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    private Timer timer(String stage, String outcome) {
        return registry.get("imgpipe.stage.duration").tags("stage", stage, "outcome", outcome).timer();
    }

    private double gauge(String name) {
        Gauge gauge = registry.get(name).gauge();
        return gauge.value();
    }

    private long storedBytes() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static byte[] corruptJpeg() {
        byte[] head = Arrays.copyOf(TestImages.jpeg(64, 48, 16), 40);
        byte[] garbage = new byte[600];
        new Random(16).nextBytes(garbage);
        byte[] body = Arrays.copyOf(head, head.length + garbage.length);
        System.arraycopy(garbage, 0, body, head.length, garbage.length);
        return body;
    }
}
