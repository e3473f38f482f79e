package io.imgpipe.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.CompletedRequest;
import io.imgpipe.EngineConfig;
import io.imgpipe.ProcessingEngine;
import io.imgpipe.RepositoryException;
import io.imgpipe.RequestStatus;
import io.imgpipe.Status;
import io.imgpipe.SubmitOptions;
import io.imgpipe.fetch.AddressPolicy;
import io.imgpipe.fetch.FetcherConfig;
import io.imgpipe.fetch.HttpImageFetcher;
import io.imgpipe.local.FileSystemObjectStore;
import io.imgpipe.local.FileSystemStoreConfig;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.ImageOutput;
import io.imgpipe.spi.Lease;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.RequestRecord;
import io.imgpipe.testkit.NotificationLog;
import io.imgpipe.testkit.ShiftedClock;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestImages;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four engines, each with its own repository and connection pool as if in its own process, share
 * one PostgreSQL database (a schema of this test's own; skipped without a server, see
 * {@link TestPostgres}) and one store, and process a request of 1,200 images served from
 * loopback. Mid-way one engine is cut off abruptly: from then on none of its calls reach the
 * database, so it dies holding leases. The others finish everything, taking over its tasks once
 * their leases expire: every image is completed exactly once, fetched again only if the dead
 * engine held it, and the request is announced once; the crash costs no image an attempt (the
 * takeovers count as abandoned claims).
 */
class PostgresMultiEngineIT {

    private static final int ENGINES = 4;
    private static final int PRODUCTS = 300;
    private static final int IMAGES_PER_PRODUCT = 4;
    private static final int IMAGES = PRODUCTS * IMAGES_PER_PRODUCT;

    private static String url;
    private static String schema;

    @TempDir
    Path dir;

    @BeforeAll
    static void requirePostgres() {
        url = TestPostgres.requireUrl();
        schema = TestPostgres.newSchemaName("engines");
    }

    @AfterAll
    static void dropSchema() {
        if (schema != null) {
            TestPostgres.dropSchema(url, schema);
        }
    }

    @Test
    void fourEnginesProcessEveryImageOnceAndTheSurvivorsFinishWhatTheKilledOneHeld() throws Exception {
        Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();
        List<CompletedRequest> announced = new CopyOnWriteArrayList<>();
        List<AutoCloseable> toClose = new ArrayList<>();
        try (TestHttpServer images = TestHttpServer.start();
             HttpImageFetcher fetcher = new HttpImageFetcher(FetcherConfig.defaults()
                     .withAddressPolicy(AddressPolicy.allowAll()));
             FileSystemObjectStore store = new FileSystemObjectStore(
                     new FileSystemStoreConfig(dir, URI.create("http://files.test/")))) {
            String csv = serveImages(images);
            EngineConfig config = EngineConfig.builder()
                    .ioConcurrency(4)
                    .cpuConcurrency(1)
                    .leaseDuration(Duration.ofSeconds(3))
                    .housekeepingInterval(Duration.ofMillis(500))
                    .pollInterval(Duration.ofMillis(50))
                    .notificationLease(Duration.ofSeconds(3))
                    .shutdownTimeout(Duration.ofSeconds(1))
                    .build();
            ShiftedClock clock = new ShiftedClock();
            CrashableRepository killed = new CrashableRepository(repository(toClose), completions);
            List<CountingRepository> repositories = new ArrayList<>(List.of(killed));
            for (int i = 1; i < ENGINES; i++) {
                repositories.add(new CountingRepository(repository(toClose), completions));
            }
            List<ProcessingEngine> engines = new ArrayList<>();
            for (int i = 0; i < ENGINES; i++) {
                engines.add(ProcessingEngine.builder().repository(repositories.get(i)).objectStore(store)
                        .fetcher(fetcher).config(config.toBuilder().workerId("engine-" + i).build())
                        .clock(clock).onCompletion(announced::add).build());
            }
            engines.forEach(ProcessingEngine::start);

            String id = engines.get(1).submit(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
                    SubmitOptions.none());
            await(() -> killed.completed.get() >= 100, "the engine to be killed to complete 100 images");
            killed.crash();
            engines.get(0).close();
            int heldWhenKilled = killed.held();
            await(() -> !announced.isEmpty(), "the request to be announced");
            RequestStatus status = engines.get(1).status(id).orElseThrow();
            List<CountingRepository> survivors = repositories.subList(1, ENGINES);
            await(() -> survivors.stream().anyMatch(repository -> repository.notified(List.of(id))),
                    "the announcement to be recorded");
            Instant pastTheLease = clock.advance(config.notificationLease().plusSeconds(1));
            await(() -> survivors.stream().noneMatch(repository -> repository.sweepsSince(pastTheLease).isEmpty()),
                    "a notification sweep past the notification lease by every surviving engine");
            for (int i = 1; i < ENGINES; i++) {
                engines.get(i).close();
            }

            assertThat(status.status()).isEqualTo(Status.COMPLETED);
            assertThat(status.progress().completed()).isEqualTo(IMAGES);
            assertThat(completions).hasSize(IMAGES);
            assertThat(completions.values()).allSatisfy(count -> assertThat(count).hasValue(1));
            assertThat(announced).hasSize(1);
            assertThat(survivors).flatExtracting(repository -> repository.sweepsSince(pastTheLease))
                    .as("notification sweeps past the lease")
                    .allSatisfy(sweep -> assertThat(sweep.claimed()).as("announcements claimed again").isEmpty());
            for (int i = 1; i < ENGINES; i++) {
                assertThat(repositories.get(i).completed.get()).as("images completed by engine %d", i).isPositive();
            }
            int fetchedTwice = 0;
            for (int p = 1; p <= PRODUCTS; p++) {
                for (int i = 0; i < IMAGES_PER_PRODUCT; i++) {
                    int hits = images.hits("/img/" + p + "-" + i + ".jpg");
                    assertThat(hits).as("fetches of image %d-%d", p, i).isBetween(1, 2);
                    fetchedTwice += hits - 1;
                }
            }
            assertThat(heldWhenKilled).as("tasks the killed engine held").isPositive();
            assertThat(fetchedTwice).as("only tasks the killed engine held are fetched again")
                    .isLessThanOrEqualTo(heldWhenKilled);
            int takenOver = repositories.stream().mapToInt(repository -> repository.takenOver.get()).sum();
            assertThat(takenOver).as("the killed engine's tasks, taken over after their leases expired")
                    .isEqualTo(heldWhenKilled);
            assertThat(status.products().stream().flatMap(p -> p.images().stream()))
                    .allSatisfy(image -> assertThat(image.attempts()).as("attempts of %s", image.url()).isOne());
            assertThat(store.get(id + "/" + PRODUCTS + "-" + IMAGES_PER_PRODUCT + ".jpg")).isPresent();
        } finally {
            for (AutoCloseable closeable : toClose) {
                closeable.close();
            }
        }
    }

    private static String serveImages(TestHttpServer images) {
        byte[][] bodies = new byte[8][];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = TestImages.jpeg(48 + i, 32 + i, i);
        }
        StringBuilder csv = new StringBuilder("S. No.,Product Name,Input Image Urls\n");
        for (int p = 1; p <= PRODUCTS; p++) {
            csv.append(p).append(",Product ").append(p).append(",\"");
            for (int i = 0; i < IMAGES_PER_PRODUCT; i++) {
                String path = "/img/" + p + "-" + i + ".jpg";
                images.serve(path, Reply.ok("image/jpeg", bodies[(p + i) % bodies.length]).delayedBy(Duration.ofMillis(5)));
                csv.append(i == 0 ? "" : ",").append(images.url(path));
            }
            csv.append("\"\n");
        }
        return csv.toString();
    }

    private static SqlProductRepository repository(List<AutoCloseable> toClose) {
        SqlProductRepository repository = SqlProductRepository.builder(SqlRepositoryConfig.forUrl(url).withSchema(schema)
                .withMaxPoolSize(4)).build();
        toClose.add(repository);
        return repository;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /**
     * Counts each task completed (fencing lets a task's completion through once), and the claims
     * that took over an abandoned one.
     */
    static class CountingRepository extends NotificationLog {
        final Map<String, AtomicInteger> completions;
        final AtomicInteger completed = new AtomicInteger();
        final AtomicInteger takenOver = new AtomicInteger();

        CountingRepository(ProductRepository delegate, Map<String, AtomicInteger> completions) {
            super(delegate);
            this.completions = completions;
        }

        @Override
        public List<ClaimedTask> claim(String owner, int limit, Instant now, Duration lease) {
            List<ClaimedTask> claimed = super.claim(owner, limit, now, lease);
            claimed.forEach(task -> takenOver.addAndGet(task.abandoned()));
            return claimed;
        }

        @Override
        public boolean complete(Lease lease, ImageOutput output, Instant now) {
            boolean applied = super.complete(lease, output, now);
            if (applied) {
                completions.computeIfAbsent(lease.requestId() + "/" + lease.taskId(), k -> new AtomicInteger())
                        .incrementAndGet();
                completed.incrementAndGet();
            }
            return applied;
        }

        @Override
        public void close() {
            // closed by the test, after every engine
        }
    }

    /** A repository whose connection can be cut: after {@link #crash()} every call fails, as if the process had died. */
    static final class CrashableRepository extends CountingRepository {
        private volatile boolean crashed;
        private final Map<String, Lease> held = new ConcurrentHashMap<>();

        CrashableRepository(ProductRepository delegate, Map<String, AtomicInteger> completions) {
            super(delegate, completions);
        }

        void crash() {
            crashed = true;
        }

        /** @return how many tasks it holds (after a crash: those it never got to write about) */
        int held() {
            return held.size();
        }

        private void check() {
            if (crashed) {
                throw new RepositoryException("simulated crash: connection lost", null, true);
            }
        }

        @Override
        public List<ClaimedTask> claim(String owner, int limit, Instant now, Duration lease) {
            check();
            List<ClaimedTask> claimed = super.claim(owner, limit, now, lease);
            claimed.forEach(task -> held.put(task.lease().token(), task.lease()));
            return claimed;
        }

        @Override
        public boolean complete(Lease lease, ImageOutput output, Instant now) {
            check();
            held.remove(lease.token());
            return super.complete(lease, output, now);
        }

        @Override
        public boolean renew(Lease lease, Instant newExpiry) {
            check();
            return super.renew(lease, newExpiry);
        }

        @Override
        public boolean retryLater(Lease lease, String error, Instant notBefore) {
            check();
            held.remove(lease.token());
            return super.retryLater(lease, error, notBefore);
        }

        @Override
        public boolean fail(Lease lease, String error, Instant now) {
            check();
            held.remove(lease.token());
            return super.fail(lease, error, now);
        }

        @Override
        public boolean release(Lease lease, Instant notBefore) {
            check();
            held.remove(lease.token());
            return super.release(lease, notBefore);
        }

        @Override
        public Optional<RequestRecord> finishIfDone(String requestId, String owner, Instant now, Duration lease) {
            check();
            return super.finishIfDone(requestId, owner, now, lease);
        }

        @Override
        public List<String> findFinishable(int limit) {
            check();
            return super.findFinishable(limit);
        }

        @Override
        public List<RequestRecord> claimNotifications(String owner, int limit, Instant now, Duration lease) {
            check();
            return super.claimNotifications(owner, limit, now, lease);
        }

        @Override
        public boolean renewNotification(String requestId, String owner, Instant newExpiry) {
            check();
            return super.renewNotification(requestId, owner, newExpiry);
        }

        @Override
        public boolean markNotified(String requestId, String owner, Instant now) {
            check();
            return super.markNotified(requestId, owner, now);
        }
    }

}
