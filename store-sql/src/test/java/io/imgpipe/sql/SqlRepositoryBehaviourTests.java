package io.imgpipe.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.RepositoryException;
import io.imgpipe.Status;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.ImageOutput;
import io.imgpipe.spi.ImageRecord;
import io.imgpipe.spi.NewImage;
import io.imgpipe.spi.NewProduct;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.NewTask;
import io.imgpipe.spi.RequestRecord;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the SQL repository does beyond the shared contract, on either database: migrations, the
 * start-up hand-back of leases, claims taking turns, and several repositories (as several
 * processes) on one database. Subclasses open repositories on a database of their own.
 */
abstract class SqlRepositoryBehaviourTests {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration LEASE = Duration.ofMinutes(2);

    private final List<SqlProductRepository> opened = new ArrayList<>();

    /** @return a new repository on this test's database; the first call creates the schema */
    protected abstract SqlProductRepository openRepository();

    protected final SqlProductRepository open() {
        SqlProductRepository repository = openRepository();
        opened.add(repository);
        return repository;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(SqlProductRepository::close);
    }

    @Test
    void anEmptyDatabaseIsMigratedToTheLatestVersion() {
        assertThat(open().schemaVersion()).isEqualTo("2");
    }

    @Test
    void aMigratedDatabaseOpensAgainWithItsData() {
        SqlProductRepository first = open();
        first.create(request("req-1", T0, 3));
        complete(first, first.claim("w1", 1, T0, LEASE).get(0));
        first.close();

        SqlProductRepository again = open();

        assertThat(again.schemaVersion()).isEqualTo("2");
        assertThat(again.findRequest("req-1").orElseThrow().progress().completed()).isEqualTo(1);
        assertThat(again.claim("w2", 10, T0, LEASE)).hasSize(2);
    }

    @Test
    void expiringAllLeasesHandsHeldTasksToTheNextClaimAtOnce() {
        SqlProductRepository dead = open();
        dead.create(request("req-1", T0, 3));
        List<ClaimedTask> held = dead.claim("dead", 2, T0, LEASE);
        dead.close();
        SqlProductRepository next = open();
        Instant restart = T0.plusSeconds(5);

        assertThat(next.expireAllLeases(restart)).isEqualTo(2);

        List<ClaimedTask> resumed = next.claim("next", 10, restart, LEASE);
        assertThat(resumed).extracting(task -> task.lease().taskId())
                .containsAll(held.stream().map(task -> task.lease().taskId()).toList()).hasSize(3);
        assertThat(resumed).allSatisfy(task -> assertThat(task.attempt()).isOne());
        assertThat(resumed).filteredOn(task -> task.abandoned() == 1).hasSize(2);
        for (ClaimedTask stale : held) {
            assertThat(next.complete(stale.lease(), output(), restart)).isFalse();
        }
    }

    @Test
    void expiringAllLeasesLeavesPendingAndDeferredTasksAlone() {
        SqlProductRepository repository = open();
        repository.create(request("req-1", T0, 2));
        List<ClaimedTask> claimed = repository.claim("w1", 2, T0, LEASE);
        repository.retryLater(claimed.get(0).lease(), "busy", T0.plusSeconds(60));
        repository.release(claimed.get(1).lease(), T0);

        assertThat(repository.expireAllLeases(T0)).isZero();
        assertThat(repository.claim("w2", 10, T0, LEASE)).hasSize(1);
    }

    @Test
    void expiringAllLeasesHandsBackOpenNotifications() {
        SqlProductRepository repository = open();
        repository.create(request("req-1", T0, 1));
        complete(repository, repository.claim("w1", 1, T0, LEASE).get(0));
        assertThat(repository.finishIfDone("req-1", "dead", T0, Duration.ofMinutes(10))).isPresent();
        Instant restart = T0.plusSeconds(5);

        repository.expireAllLeases(restart);

        assertThat(repository.claimNotifications("next", 10, restart, LEASE)).extracting(RequestRecord::requestId)
                .containsExactly("req-1");
    }

    @Test
    void requestsTakeTurnsLeastRecentlyServedFirst() {
        SqlProductRepository repository = open();
        repository.create(request("req-a", T0, 3));
        repository.create(request("req-b", T0.plusSeconds(1), 3));
        repository.create(request("req-c", T0.plusSeconds(2), 1));

        List<ClaimedTask> first = repository.claim("w1", 5, T0, LEASE);
        List<ClaimedTask> second = repository.claim("w1", 5, T0, LEASE);

        assertThat(first).extracting(task -> task.lease().requestId() + "/" + task.lease().taskId())
                .containsExactly("req-a/t1", "req-b/t1", "req-c/t1", "req-a/t2", "req-b/t2");
        assertThat(second).extracting(task -> task.lease().requestId() + "/" + task.lease().taskId())
                .containsExactly("req-a/t3", "req-b/t3");
    }

    @Test
    void aRequestNeverServedGoesBeforeOnesServedBefore() {
        SqlProductRepository repository = open();
        repository.create(request("req-old", T0, 5));
        repository.claim("w1", 2, T0, LEASE);
        repository.create(request("req-new", T0.plusSeconds(1), 5));

        List<ClaimedTask> claimed = repository.claim("w1", 3, T0, LEASE);

        assertThat(claimed).extracting(task -> task.lease().requestId())
                .containsExactly("req-new", "req-old", "req-new");
    }

    @Test
    void repositoriesSharingADatabaseNeverHandOutATaskTwice() throws Exception {
        SqlProductRepository setup = open();
        for (int r = 0; r < 4; r++) {
            setup.create(request("req-" + r, T0.plusSeconds(r), 100));
        }
        List<SqlProductRepository> repositories = List.of(open(), open(), open(), open());

        List<List<ClaimedTask>> perWorker = runConcurrently(8, worker -> {
            SqlProductRepository mine = repositories.get(worker % repositories.size());
            List<ClaimedTask> claimed = new ArrayList<>();
            List<ClaimedTask> batch;
            do {
                batch = mine.claim("w" + worker, 1 + worker % 4, T0, LEASE);
                claimed.addAll(batch);
                for (ClaimedTask task : batch) {
                    assertThat(complete(mine, task)).isTrue();
                }
            } while (!batch.isEmpty());
            return claimed;
        });

        List<String> claimed = perWorker.stream().flatMap(List::stream)
                .map(task -> task.lease().requestId() + "/" + task.lease().taskId()).toList();
        assertThat(claimed).hasSize(400).doesNotHaveDuplicates();
        for (int r = 0; r < 4; r++) {
            assertThat(setup.findRequest("req-" + r).orElseThrow().progress().completed()).isEqualTo(100);
        }
    }

    @Test
    void imagesOfOneUrlReadTheirOwnUrlAndShareTheTask() {
        SqlProductRepository repository = open();
        URI shared = URI.create("https://img.example.com/shared.jpg");
        NewTask task = new NewTask("t1", shared, "req-1/1-1.jpg");
        repository.create(new NewRequest("req-1", T0, Map.of(), List.of(
                new NewProduct(0, 1, "One", List.of(new NewImage(1, shared, "t1"))),
                new NewProduct(1, 2, "Two", List.of(new NewImage(1, shared, "t1")))), List.of(task)));
        List<ImageRecord> images = new ArrayList<>();

        repository.forEachProduct("req-1", product -> images.addAll(product.images()));

        assertThat(images).extracting(ImageRecord::url, ImageRecord::taskId, ImageRecord::status)
                .containsOnly(org.assertj.core.groups.Tuple.tuple(shared, "t1", Status.PENDING));
    }

    static boolean complete(SqlProductRepository repository, ClaimedTask task) {
        return repository.complete(task.lease(), new ImageOutput(URI.create("https://cdn.example.com/" + task.outputKey()),
                2_000, 1_000, 40, 30), T0);
    }

    static ImageOutput output() {
        return new ImageOutput(URI.create("https://cdn.example.com/x.jpg"), 2_000, 1_000, 40, 30);
    }

    @Test
    void productsBySerialNumberComeInOrderAcrossPagesReadAhead() {
        SqlProductRepository repository = open();
        repository.create(request("req-pages", T0, 3 * RequestReader.PRODUCTS_PER_PAGE + 17));
        List<Long> serials = new ArrayList<>();

        repository.forEachProductBySerialNumber("req-pages", product -> serials.add(product.serialNumber()));

        assertThat(serials).hasSize(3 * RequestReader.PRODUCTS_PER_PAGE + 17).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void anActionThatFailsStopsTheReadAndTheRepositoryGoesOn() {
        SqlProductRepository repository = open();
        repository.create(request("req-pages", T0, 3 * RequestReader.PRODUCTS_PER_PAGE));
        IllegalStateException stop = new IllegalStateException("the client went away");
        int[] seen = {0};

        assertThatThrownBy(() -> repository.forEachProductBySerialNumber("req-pages", product -> {
            if (++seen[0] == 5) {
                throw stop;
            }
        })).isSameAs(stop);

        assertThat(seen[0]).isEqualTo(5);
        int[] again = {0};
        repository.forEachProductBySerialNumber("req-pages", product -> again[0]++);
        assertThat(again[0]).isEqualTo(3 * RequestReader.PRODUCTS_PER_PAGE);
    }

    @Test
    void closingTheRepositoryWhilePagesAreReadAheadEndsTheReadInsteadOfLeavingItWaiting() throws Exception {
        SqlProductRepository repository = open();
        repository.create(request("req-pages", T0, 6 * RequestReader.PRODUCTS_PER_PAGE));
        CountDownLatch firstProduct = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> read = caller.submit(() -> {
                int[] seen = {0};
                repository.forEachProductBySerialNumber("req-pages", product -> {
                    if (seen[0]++ == 0) {
                        firstProduct.countDown();
                        awaitQuietly(closed); // the pages ahead are read or queued meanwhile
                    }
                });
                return seen[0];
            });
            assertThat(firstProduct.await(30, TimeUnit.SECONDS)).isTrue();

            repository.close();
            closed.countDown();

            // the read either had every page by then or fails; it never waits for ever
            try {
                assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(6 * RequestReader.PRODUCTS_PER_PAGE);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(RepositoryException.class);
            }
            assertThatThrownBy(() -> repository.forEachProductBySerialNumber("req-pages", product -> { }))
                    .isInstanceOf(RepositoryException.class);
        } finally {
            caller.shutdownNow();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A request of {@code images} products with one image each, task ids {@code t1, t2, ...}. */
    static NewRequest request(String requestId, Instant createdAt, int images) {
        List<NewTask> tasks = new ArrayList<>();
        List<NewProduct> products = new ArrayList<>();
        for (int i = 1; i <= images; i++) {
            URI url = URI.create("https://img.example.com/" + requestId + "/" + i + ".jpg");
            tasks.add(new NewTask("t" + i, url, requestId + "/" + i + "-1.jpg"));
            products.add(new NewProduct(i - 1, i, "Product " + i, List.of(new NewImage(1, url, "t" + i))));
        }
        return new NewRequest(requestId, createdAt, Map.of(), products, tasks);
    }

    @FunctionalInterface
    interface Worker<T> {
        T run(int worker) throws Exception;
    }

    static <T> List<T> runConcurrently(int threads, Worker<T> worker) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int id = i;
                Callable<T> call = () -> {
                    start.await();
                    return worker.run(id);
                };
                futures.add(executor.submit(call));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(2, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            executor.shutdownNow();
        }
    }
}
