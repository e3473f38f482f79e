package io.imgpipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.imgpipe.internal.StatusReader;
import io.imgpipe.spi.ProductRecord;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.testkit.ForwardingProductRepository;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ProcessingEngine#streamStatus}: the request, then its products by serial number, read
 * ahead on another thread, with failures on either side stopping the other.
 */
class EngineStatusStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private EngineHarness h;
    private ReadTracking repository;
    private ProcessingEngine engine;
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() {
        h = new EngineHarness(dir);
        repository = new ReadTracking(h.repository);
        engine = h.buildEngine(repository, builder -> { });
    }

    @AfterEach
    void tearDown() throws Exception {
        callers.shutdownNow();
        h.close();
    }

    @Test
    void streamsWhatStatusReadsTheRequestFirstThenTheProductsBySerialNumber() throws IOException {
        String id = submit("S. No.,Product Name,Input Image Urls\n"
                + "3,Three,\"https://img.example.com/3a.jpg, https://img.example.com/3b.jpg\"\n"
                + "1,One,https://img.example.com/1.jpg\n"
                + "2,Two,https://img.example.com/2.jpg\n");
        Recording recording = new Recording();

        boolean found = engine.streamStatus(id, recording);

        RequestStatus status = engine.status(id).orElseThrow();
        assertThat(found).isTrue();
        assertThat(recording.events.get(0)).isEqualTo(new RequestSummary(id, status.status(), status.createdAt(),
                status.finishedAt(), 3, status.progress()));
        assertThat(recording.products).extracting(ProductStatus::serialNumber).containsExactly(1L, 2L, 3L);
        assertThat(recording.products).containsExactlyElementsOf(status.products());
        assertThat(recording.products.get(2).images()).hasSize(2);
    }

    @Test
    void anUnknownRequestIsNotFoundAndTheVisitorIsNotCalled() throws IOException {
        Recording recording = new Recording();

        assertThat(engine.streamStatus("no-such-request", recording)).isFalse();

        assertThat(recording.events).isEmpty();
    }

    @Test
    void theProductsAreReadOnAReadAheadThreadAndVisitedOnTheCallersThread() throws IOException {
        String id = submit(products(3_000));
        Recording recording = new Recording();

        engine.streamStatus(id, recording);

        assertThat(recording.products).hasSize(3_000);
        assertThat(recording.threads).containsOnly(Thread.currentThread());
        assertThat(repository.readers).hasSize(1);
        assertThat(repository.readers.get(0).getName()).startsWith("imgpipe-status-");
    }

    @Test
    void aVisitorThatFailsStopsTheReadAheadAndTheFailureReachesTheCaller() {
        String id = submit(products(10_000));
        IOException broken = new IOException("client went away");
        AtomicInteger visited = new AtomicInteger();

        assertThatThrownBy(() -> engine.streamStatus(id, new Recording() {
            @Override
            public void product(ProductStatus product) throws IOException {
                if (visited.incrementAndGet() == 10) {
                    throw broken;
                }
            }
        })).isSameAs(broken);

        await().atMost(WAIT).until(() -> repository.finishedReads.get() == 1);
        assertThat(repository.productsHandedOver.get()).isLessThan(10_000);
    }

    @Test
    void aRepositoryFailureAfterSomeProductsReachesTheCallerAfterThoseProducts() {
        String id = submit(products(20));
        repository.failAfter = 5;
        Recording recording = new Recording();

        assertThatThrownBy(() -> engine.streamStatus(id, recording)).isInstanceOf(RepositoryException.class)
                .hasMessageContaining("disk on fire");

        assertThat(recording.products).extracting(ProductStatus::serialNumber).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void whenEveryReadAheadThreadIsBusyTheCallerReadsTheProductsItself() throws Exception {
        String id = submit(products(StatusReader.READ_AHEAD_PRODUCTS + 500)); // more than a reader may read ahead
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch allStarted = new CountDownLatch(StatusReader.READ_AHEAD_THREADS);
        List<Future<Boolean>> blocked = new ArrayList<>();
        for (int i = 0; i < StatusReader.READ_AHEAD_THREADS; i++) {
            blocked.add(callers.submit(() -> engine.streamStatus(id, new Recording() {
                private boolean first = true;

                @Override
                public void product(ProductStatus product) {
                    if (first) {
                        first = false;
                        allStarted.countDown();
                        awaitQuietly(release);
                    }
                }
            })));
        }
        assertThat(allStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        Recording recording = new Recording();

        engine.streamStatus(id, recording);

        release.countDown();
        for (Future<Boolean> stream : blocked) {
            assertThat(stream.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
        assertThat(recording.products).hasSize(StatusReader.READ_AHEAD_PRODUCTS + 500);
        assertThat(repository.readers).contains(Thread.currentThread());
    }

    @Test
    void closingTheEngineEndsAStreamWaitingForItsProducts() throws Exception {
        String id = submit(products(5));
        repository.blockReads = new CountDownLatch(1);
        Future<Boolean> stream = callers.submit(() -> engine.streamStatus(id, new Recording()));
        await().atMost(WAIT).until(() -> repository.readers.size() == 1);

        engine.close();

        assertThatThrownBy(() -> stream.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(RepositoryException.class).hasMessageContaining("interrupted");
    }

    private String submit(String csv) {
        return h.submit(engine, csv);
    }

    private static String products(int count) {
        StringBuilder csv = new StringBuilder("S. No.,Product Name,Input Image Urls\n");
        for (int i = 1; i <= count; i++) {
            csv.append(i).append(",Product ").append(i).append(",https://img.example.com/").append(i).append(".jpg\n");
        }
        return csv.toString();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records what it is handed, and on which thread. */
    private static class Recording implements StatusVisitor {

        final List<Object> events = new ArrayList<>();
        final List<ProductStatus> products = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();

        @Override
        public void request(RequestSummary request) throws IOException {
            events.add(request);
            threads.add(Thread.currentThread());
        }

        @Override
        public void product(ProductStatus product) throws IOException {
            events.add(product);
            products.add(product);
            threads.add(Thread.currentThread());
        }
    }

    /** Records the threads that read products in serial order; can fail or block those reads. */
    private static final class ReadTracking extends ForwardingProductRepository {

        final List<Thread> readers = new CopyOnWriteArrayList<>();
        final AtomicInteger finishedReads = new AtomicInteger();
        final AtomicInteger productsHandedOver = new AtomicInteger();
        volatile int failAfter = -1;
        volatile CountDownLatch blockReads;

        ReadTracking(ProductRepository delegate) {
            super(delegate);
        }

        @Override
        public void forEachProductBySerialNumber(String requestId, Consumer<ProductRecord> action) {
            readers.add(Thread.currentThread());
            try {
                CountDownLatch block = blockReads;
                if (block != null) {
                    try {
                        block.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new RepositoryException("interrupted while reading", e, true);
                    }
                }
                AtomicInteger handed = new AtomicInteger();
                super.forEachProductBySerialNumber(requestId, product -> {
                    if (handed.getAndIncrement() == failAfter) {
                        throw new RepositoryException("disk on fire after " + failAfter + " products", null, true);
                    }
                    productsHandedOver.incrementAndGet();
                    action.accept(product);
                });
            } finally {
                finishedReads.incrementAndGet();
            }
        }
    }
}
