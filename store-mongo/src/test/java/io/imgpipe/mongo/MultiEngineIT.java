package io.imgpipe.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engines, each with its own client as if in its own process, share one MongoDB (wire
 * protocol, in this JVM) and one store, and process a request of 1,000 images. Mid-way one
 * engine is cut off abruptly: from then on none of its writes reach the database, so it dies
 * holding leases. The other finishes everything, taking over the orphaned tasks once their
 * leases expire. Every image is completed exactly once, and the request is announced once; the
 * crash costs no image an attempt (the takeovers count as abandoned claims).
 */
class MultiEngineIT {

    private static final int PRODUCTS = 250;
    private static final int IMAGES_PER_PRODUCT = 4;
    private static final int IMAGES = PRODUCTS * IMAGES_PER_PRODUCT;

    @TempDir
    Path dir;

    @Test
    void twoEnginesShareTheWorkAndTheSurvivorFinishesWhatTheCrashedOneHeld() throws Exception {
        Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();
        List<CompletedRequest> announced = new CopyOnWriteArrayList<>();
        try (InJvmMongoServer mongo = InJvmMongoServer.start();
             MongoClient clientA = mongo.newClient();
             MongoClient clientB = mongo.newClient();
             TestHttpServer images = TestHttpServer.start();
             HttpImageFetcher fetcher = new HttpImageFetcher(FetcherConfig.defaults()
                     .withAddressPolicy(AddressPolicy.allowAll()));
             FileSystemObjectStore store = new FileSystemObjectStore(
                     new FileSystemStoreConfig(dir, URI.create("http://files.test/")))) {
            StringBuilder csv = new StringBuilder("S. No.,Product Name,Input Image Urls\n");
            byte[][] bodies = new byte[8][];
            for (int i = 0; i < bodies.length; i++) {
                bodies[i] = TestImages.jpeg(48 + i, 32 + i, i);
            }
            for (int p = 1; p <= PRODUCTS; p++) {
                csv.append(p).append(",Product ").append(p).append(",\"");
                for (int i = 0; i < IMAGES_PER_PRODUCT; i++) {
                    String path = "/img/" + p + "-" + i + ".jpg";
                    images.serve(path, Reply.ok("image/jpeg", bodies[(p + i) % bodies.length]).delayedBy(Duration.ofMillis(5)));
                    csv.append(i == 0 ? "" : ",").append(images.url(path));
                }
                csv.append("\"\n");
            }
            ShiftedClock clock = new ShiftedClock();
            CrashableRepository repoA = new CrashableRepository(repository(clientA), completions);
            CountingRepository repoB = new CountingRepository(repository(clientB), completions);
            EngineConfig config = EngineConfig.builder()
                    .ioConcurrency(4)
                    .cpuConcurrency(1)
                    .leaseDuration(Duration.ofSeconds(3))
                    .housekeepingInterval(Duration.ofMillis(500))
                    .pollInterval(Duration.ofMillis(50))
                    .notificationLease(Duration.ofSeconds(3))
                    .shutdownTimeout(Duration.ofSeconds(1))
                    .build();
            ProcessingEngine engineA = engine(repoA, store, fetcher, config.toBuilder().workerId("engine-a").build(),
                    clock, announced::add);
            ProcessingEngine engineB = engine(repoB, store, fetcher, config.toBuilder().workerId("engine-b").build(),
                    clock, announced::add);
            engineA.start();
            engineB.start();

            String id = engineB.submit(new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)),
                    SubmitOptions.none());
            await(() -> repoA.completed.get() >= 150, "engine A to complete 150 images");
            repoA.crash();
            engineA.close();
            int heldWhenCut = repoA.held();
            await(() -> !announced.isEmpty(), "the request to be announced");
            RequestStatus status = engineB.status(id).orElseThrow();
            await(() -> repoB.notified(List.of(id)), "the announcement to be recorded");
            Instant pastTheLease = clock.advance(config.notificationLease().plusSeconds(1));
            await(() -> !repoB.sweepsSince(pastTheLease).isEmpty(), "a notification sweep past the notification lease");
            engineB.close();

            assertThat(status.status()).isEqualTo(Status.COMPLETED);
            assertThat(status.progress().completed()).isEqualTo(IMAGES);
            assertThat(completions).hasSize(IMAGES);
            assertThat(completions.values()).allSatisfy(count -> assertThat(count).hasValue(1));
            assertThat(repoA.completed.get()).isGreaterThanOrEqualTo(150).isLessThan(IMAGES);
            assertThat(repoB.completed.get()).isEqualTo(IMAGES - repoA.completed.get());
            assertThat(announced).hasSize(1);
            assertThat(repoB.sweepsSince(pastTheLease)).as("notification sweeps past the lease")
                    .allSatisfy(sweep -> assertThat(sweep.claimed()).as("announcements claimed again").isEmpty());
            int fetchedTwice = 0;
            for (int p = 1; p <= PRODUCTS; p++) {
                for (int i = 0; i < IMAGES_PER_PRODUCT; i++) {
                    int hits = images.hits("/img/" + p + "-" + i + ".jpg");
                    assertThat(hits).as("fetches of image %d-%d", p, i).isBetween(1, 2);
                    fetchedTwice += hits - 1;
                }
            }
            assertThat(heldWhenCut).as("tasks orphaned by engine A").isPositive();
            assertThat(fetchedTwice).as("only tasks engine A held when cut off are fetched again")
                    .isLessThanOrEqualTo(heldWhenCut);
            assertThat(repoB.takenOver).as("orphaned tasks taken over after their leases expired").hasValue(heldWhenCut);
            assertThat(status.products().stream().flatMap(p -> p.images().stream()))
                    .allSatisfy(image -> assertThat(image.attempts()).as("attempts of %s", image.url()).isOne());
            assertThat(store.get(id + "/1-1.jpg")).isPresent();
            assertThat(store.get(id + "/" + PRODUCTS + "-" + IMAGES_PER_PRODUCT + ".jpg")).isPresent();
        }
    }

    private static MongoProductRepository repository(MongoClient client) {
        return MongoProductRepository.builder(MongoRepositoryConfig.forClient().withDatabase("multi")).client(client).build();
    }

    private static ProcessingEngine engine(ProductRepository repository, FileSystemObjectStore store,
            HttpImageFetcher fetcher, EngineConfig config, Clock clock, Consumer<CompletedRequest> listener) {
        return ProcessingEngine.builder().repository(repository).objectStore(store).fetcher(fetcher).config(config)
                .clock(clock).onCompletion(listener::accept).build();
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
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
     * that took over an abandoned one; records the requests marked notified and every notification
     * sweep.
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
    }

    /**
     * A repository whose connection can be cut: after {@link #crash()}, every call fails as if
     * the process had died, so nothing it holds is released or completed.
     */
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
