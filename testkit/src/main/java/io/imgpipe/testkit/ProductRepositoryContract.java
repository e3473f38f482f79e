package io.imgpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import io.imgpipe.Progress;
import io.imgpipe.RepositoryException;
import io.imgpipe.Status;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.ImageOutput;
import io.imgpipe.spi.ImageRecord;
import io.imgpipe.spi.Lease;
import io.imgpipe.spi.NewImage;
import io.imgpipe.spi.NewProduct;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.NewTask;
import io.imgpipe.spi.ProductRecord;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.RequestCursor;
import io.imgpipe.spi.RequestRecord;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The executable form of the {@link ProductRepository} Javadoc: every implementation's test
 * extends this class and supplies {@link #newRepository()}.
 *
 * <pre>{@code
 * class MongoProductRepositoryIT extends ProductRepositoryContract {
 *     @Override
 *     protected ProductRepository newRepository() {
 *         return MongoProductRepository.builder(MongoRepositoryConfig.forClient().withDatabase(freshDatabase()))
 *                 .client(client).build();
 *     }
 * }
 * }</pre>
 *
 * <p>Every test runs against a fresh, empty repository, closed after the test. Time is passed
 * explicitly from fixed instants ({@link #T0} onwards), so lease and retry expiry are
 * deterministic and no test sleeps. Tests that start threads wait at most
 * {@link #CONCURRENCY_TIMEOUT} for them, as a guard against hangs, never as a speed requirement.
 * Every instant the suite passes is a whole number of milliseconds, so stores that keep time at
 * millisecond precision (BSON dates) round-trip them exactly.
 *
 * <p>Left to each implementation's own tests, because no generic test can provoke or observe
 * them: that a {@code create} failing half-way leaves nothing visible, durability across restarts,
 * and the rough preference for older tasks in {@code claim} (no order is asserted).
 */
public abstract class ProductRepositoryContract {

    /** The time every test starts from. */
    protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /** The task lease used by the tests. */
    protected static final Duration LEASE = Duration.ofMinutes(2);
    /** The notification lease used by the tests. */
    protected static final Duration NOTIFICATION_LEASE = Duration.ofMinutes(5);
    /** How long tests that start threads wait for them before declaring a hang. */
    protected static final Duration CONCURRENCY_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration ONE_MILLI = Duration.ofMillis(1);

    private ProductRepository repository;

    /** {@return a new, empty repository; the suite closes it after each test} */
    protected abstract ProductRepository newRepository();

    /** {@return the repository of the running test} */
    protected final ProductRepository repository() {
        return repository;
    }

    @BeforeEach
    void openRepository() {
        repository = newRepository();
    }

    @AfterEach
    void closeRepository() {
        if (repository != null) {
            repository.close();
        }
    }

    // ---------------------------------------------------------------- create and read

    @Test
    void createdRequestIsFoundWithItsMetadataCountsAndPendingStatus() {
        repository.create(newRequest("req-1")
                .metadata("webhookUrl", "https://hooks.example.com/done")
                .metadata("batch", "7")
                .product(1, "Shirt", "https://img.example.com/a.jpg", "https://img.example.com/b.jpg")
                .product(2, "Shoe", "https://img.example.com/c.jpg")
                .build());

        RequestRecord found = find("req-1");

        assertThat(found.requestId()).isEqualTo("req-1");
        assertThat(found.status()).isEqualTo(Status.PENDING);
        assertThat(found.createdAt()).isEqualTo(T0);
        assertThat(found.finishedAt()).isNull();
        assertThat(found.metadata()).isEqualTo(Map.of("webhookUrl", "https://hooks.example.com/done", "batch", "7"));
        assertThat(found.productCount()).isEqualTo(2);
        assertThat(found.progress()).isEqualTo(new Progress(3, 3, 0, 0, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nope", "../x", "{\"$ne\":null}", "", ".*", "req-1 ", "REQ-1", "req-1/../req-1"})
    void unknownOrMalformedIdIsNotFound(String requestId) {
        repository.create(requestWithImages("req-1", 1));

        assertThat(repository.findRequest(requestId)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"nope", "../x", "{\"$ne\":null}", "", ".*", "req-1 ", "REQ-1", "req-1/../req-1"})
    void productsOfUnknownOrMalformedIdAreNotStreamed(String requestId) {
        repository.create(requestWithImages("req-1", 1));
        List<ProductRecord> streamed = new ArrayList<>();

        repository.forEachProduct(requestId, streamed::add);

        assertThat(streamed).isEmpty();
    }

    @Test
    void productsAreStreamedInInputOrderEvenWhenSerialNumbersAreNotAscending() {
        repository.create(newRequest("req-1")
                .product(30, "Thirty", "https://img.example.com/30.jpg")
                .product(10, "Ten", "https://img.example.com/10.jpg")
                .product(20, "Twenty", "https://img.example.com/20.jpg")
                .build());

        List<ProductRecord> products = products("req-1");

        assertThat(products).extracting(ProductRecord::rowIndex).containsExactly(0, 1, 2);
        assertThat(products).extracting(ProductRecord::serialNumber).containsExactly(30L, 10L, 20L);
        assertThat(products).extracting(ProductRecord::productName).containsExactly("Thirty", "Ten", "Twenty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nope", "../x", "{\"$ne\":null}", "", ".*", "req-1 ", "REQ-1", "req-1/../req-1"})
    void productsOfUnknownOrMalformedIdAreNotStreamedBySerialNumber(String requestId) {
        repository.create(requestWithImages("req-1", 1));
        List<ProductRecord> streamed = new ArrayList<>();

        repository.forEachProductBySerialNumber(requestId, streamed::add);

        assertThat(streamed).isEmpty();
    }

    @Test
    void productsBySerialNumberComeInSerialOrderWithTheSameImages() {
        repository.create(newRequest("req-1")
                .product(30, "Thirty", "https://img.example.com/30.jpg")
                .product(10, "Ten", "https://img.example.com/10a.jpg", "https://img.example.com/10b.jpg")
                .product(20, "Twenty", "https://img.example.com/20.jpg")
                .build());
        List<ProductRecord> bySerial = new ArrayList<>();

        repository.forEachProductBySerialNumber("req-1", bySerial::add);

        assertThat(bySerial).extracting(ProductRecord::serialNumber).containsExactly(10L, 20L, 30L);
        assertThat(bySerial).extracting(ProductRecord::rowIndex).containsExactly(1, 2, 0);
        assertThat(bySerial).containsExactlyInAnyOrderElementsOf(products("req-1"));
    }

    @Test
    void productsWithTheSameSerialNumberComeInInputOrder() {
        repository.create(newRequest("req-1")
                .product(2, "Later", "https://img.example.com/a.jpg")
                .product(1, "First", "https://img.example.com/b.jpg")
                .product(2, "Second", "https://img.example.com/c.jpg")
                .product(2, "Third", "https://img.example.com/d.jpg")
                .build());
        List<ProductRecord> bySerial = new ArrayList<>();

        repository.forEachProductBySerialNumber("req-1", bySerial::add);

        assertThat(bySerial).extracting(ProductRecord::productName).containsExactly("First", "Later", "Second", "Third");
    }

    @Test
    void productsSharingSerialNumbersAcrossPagesComeBySerialNumberThenInInputOrder() {
        int count = 2_500;
        NewRequestBuilder builder = newRequest("req-repeats");
        for (int i = 0; i < count; i++) {
            builder.product(3 - i % 3, "Row " + i, "https://img.example.com/repeats/" + i + ".jpg"); // 3, 2, 1, 3, 2, 1, ...
        }
        repository.create(builder.build());
        List<ProductRecord> bySerial = new ArrayList<>();

        repository.forEachProductBySerialNumber("req-repeats", bySerial::add);

        List<ProductRecord> expected = new ArrayList<>(products("req-repeats"));
        expected.sort(Comparator.comparingLong(ProductRecord::serialNumber).thenComparingInt(ProductRecord::rowIndex));
        assertThat(bySerial).containsExactlyElementsOf(expected);
    }

    @Test
    void productsBySerialNumberOfALargeScrambledRequestComeEachOnceInOrderOnTheCallingThread() {
        int count = 2_500;
        NewRequestBuilder builder = newRequest("req-big");
        for (int i = 0; i < count; i++) {
            long serial = (i * 7_919L) % count + 1; // every serial from 1 to count once, far from input order
            builder.product(serial, "Product " + serial, "https://img.example.com/big/" + i + ".jpg");
        }
        repository.create(builder.build());
        Thread caller = Thread.currentThread();
        List<ProductRecord> bySerial = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();

        repository.forEachProductBySerialNumber("req-big", product -> {
            threads.add(Thread.currentThread());
            bySerial.add(product);
        });

        assertThat(threads).hasSize(count).containsOnly(caller);
        assertThat(bySerial).extracting(ProductRecord::serialNumber)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, count).boxed().toList());
        assertThat(bySerial).containsExactlyInAnyOrderElementsOf(products("req-big"));
    }

    @Test
    void productsAreStreamedByRowIndexWhateverOrderTheyWereListedIn() {
        NewRequest inOrder = newRequest("req-1")
                .product(1, "First", "https://img.example.com/1.jpg")
                .product(2, "Second", "https://img.example.com/2.jpg")
                .product(3, "Third", "https://img.example.com/3.jpg")
                .build();
        List<NewProduct> reversed = new ArrayList<>(inOrder.products());
        Collections.reverse(reversed);
        repository.create(new NewRequest(inOrder.requestId(), inOrder.createdAt(), inOrder.metadata(), reversed,
                inOrder.tasks()));

        assertThat(products("req-1")).extracting(ProductRecord::productName).containsExactly("First", "Second", "Third");
    }

    @Test
    void productActionRunsOnTheCallingThreadOncePerProduct() {
        repository.create(requestWithImages("req-1", 700));
        Thread caller = Thread.currentThread();
        List<Thread> threads = new ArrayList<>();
        List<Integer> rowIndexes = new ArrayList<>();

        repository.forEachProduct("req-1", p -> {
            threads.add(Thread.currentThread());
            rowIndexes.add(p.rowIndex());
        });

        assertThat(threads).hasSize(700).containsOnly(caller);
        assertThat(rowIndexes).doesNotHaveDuplicates();
    }

    @Test
    void imagesCarryTheirPositionUrlTaskAndPendingState() {
        NewRequest request = newRequest("req-1")
                .product(1, "Shirt", "https://img.example.com/a.jpg", "https://img.example.com/b.jpg")
                .build();
        repository.create(request);

        ProductRecord product = products("req-1").get(0);

        NewImage first = request.products().get(0).images().get(0);
        NewImage second = request.products().get(0).images().get(1);
        assertThat(product.images()).containsExactly(
                new ImageRecord(1, URI.create("https://img.example.com/a.jpg"), first.taskId(), Status.PENDING, null, null, null, 0,
                        0, 0, 0, 0),
                new ImageRecord(2, URI.create("https://img.example.com/b.jpg"), second.taskId(), Status.PENDING, null, null, null, 0,
                        0, 0, 0, 0));
    }

    @Test
    void imagesWithTheSameUrlShareOneTaskAndReportItsState() {
        repository.create(newRequest("req-1")
                .product(1, "Shirt", "https://img.example.com/shared.jpg", "https://img.example.com/own.jpg")
                .product(2, "Shoe", "https://img.example.com/shared.jpg")
                .build());

        List<ClaimedTask> claimed = repository.claim("w1", 10, T0, LEASE);
        assertThat(claimed).hasSize(2);
        ClaimedTask shared = claimed.stream()
                .filter(t -> t.url().equals(URI.create("https://img.example.com/shared.jpg"))).findFirst().orElseThrow();
        assertThat(complete(shared.lease(), T0)).isTrue();

        List<ProductRecord> products = products("req-1");
        ImageRecord inShirt = products.get(0).images().get(0);
        ImageRecord inShoe = products.get(1).images().get(0);
        assertThat(inShirt.taskId()).isEqualTo(inShoe.taskId()).isEqualTo(shared.lease().taskId());
        assertThat(inShirt.status()).isEqualTo(Status.COMPLETED);
        assertThat(inShoe.status()).isEqualTo(Status.COMPLETED);
        assertThat(inShirt.outputKey()).isEqualTo(inShoe.outputKey()).isEqualTo(shared.outputKey());
        assertThat(inShirt.attempts()).isEqualTo(inShoe.attempts()).isEqualTo(1);
    }

    @Test
    void progressCountsImagesNotTasks() {
        repository.create(newRequest("req-1")
                .product(1, "Shirt", "https://img.example.com/shared.jpg", "https://img.example.com/own.jpg")
                .product(2, "Shoe", "https://img.example.com/shared.jpg")
                .build());
        ClaimedTask shared = repository.claim("w1", 10, T0, LEASE).stream()
                .filter(t -> t.url().equals(URI.create("https://img.example.com/shared.jpg"))).findFirst().orElseThrow();

        complete(shared.lease(), T0);

        assertThat(find("req-1").progress()).isEqualTo(new Progress(3, 0, 1, 2, 0));
    }

    @Test
    void tasksOfDifferentRequestsWithTheSameIdAreIndependent() {
        repository.create(requestWithImages("req-a", 1));
        repository.create(requestWithImages("req-b", 1));
        ClaimedTask first = repository.claim("w1", 1, T0, LEASE).get(0);
        String other = first.lease().requestId().equals("req-a") ? "req-b" : "req-a";

        complete(first.lease(), T0);

        assertThat(onlyImage(first.lease().requestId()).status()).isEqualTo(Status.COMPLETED);
        assertThat(onlyImage(other).status()).isEqualTo(Status.PENDING);
        assertThat(onlyImage(other).taskId()).isEqualTo(first.lease().taskId());
    }

    @Test
    void duplicateCreateIsRefusedWithANonRetryableRepositoryException() {
        repository.create(newRequest("req-1").metadata("k", "original").product(1, "Original", "https://img.example.com/a.jpg").build());
        NewRequest again = newRequest("req-1").metadata("k", "copy").product(1, "Copy", "https://img.example.com/b.jpg").build();

        assertThatThrownBy(() -> repository.create(again))
                .isInstanceOf(RepositoryException.class)
                .satisfies(e -> assertThat(((RepositoryException) e).retryable()).isFalse());
    }

    @Test
    void duplicateCreateLeavesTheOriginalRequestUnchanged() {
        repository.create(newRequest("req-1").metadata("k", "original").product(1, "Original", "https://img.example.com/a.jpg").build());
        NewRequest again = newRequest("req-1").metadata("k", "copy")
                .product(1, "Copy", "https://img.example.com/b.jpg", "https://img.example.com/c.jpg").build();

        catchThrowable(() -> repository.create(again));

        assertThat(find("req-1").metadata()).containsEntry("k", "original");
        assertThat(find("req-1").progress().total()).isEqualTo(1);
        assertThat(products("req-1")).singleElement()
                .satisfies(p -> assertThat(p.productName()).isEqualTo("Original"))
                .satisfies(p -> assertThat(p.images()).singleElement()
                        .satisfies(i -> assertThat(i.url()).isEqualTo(URI.create("https://img.example.com/a.jpg"))));
        assertThat(repository.claim("w1", 10, T0, LEASE)).hasSize(1);
    }

    @Test
    void largeRequestIsCreatedAndStreamedInOrder() {
        NewRequestBuilder builder = newRequest("req-big");
        for (int i = 0; i < 5_000; i++) {
            builder.product(i + 1, "Product " + i, "https://img.example.com/" + i + "/front.jpg",
                    "https://img.example.com/" + i + "/back.jpg");
        }
        repository.create(builder.build());
        List<Integer> rowIndexes = new ArrayList<>();
        List<Integer> imagesPerProduct = new ArrayList<>();

        repository.forEachProduct("req-big", p -> {
            rowIndexes.add(p.rowIndex());
            imagesPerProduct.add(p.images().size());
        });

        assertThat(rowIndexes).hasSize(5_000).isSorted().startsWith(0).endsWith(4_999);
        assertThat(imagesPerProduct).containsOnly(2);
        assertThat(find("req-big").productCount()).isEqualTo(5_000);
        assertThat(find("req-big").progress()).isEqualTo(new Progress(10_000, 10_000, 0, 0, 0));
    }

    @Test
    void unicodeNamesAndMetadataRoundTrip() {
        String name = "Café \"Crème\" 東京 ☕ 🚀 $set .dot Ünïcödé";
        Map<String, String> metadata = Map.of("note", "Grüße aus Zürich ✓ 🙂", "emoji", "😀😃😄", "quotes", "'\"\\{}[]");
        repository.create(newRequest("req-1").metadata(metadata).product(1, name, "https://img.example.com/a.jpg").build());

        assertThat(find("req-1").metadata()).isEqualTo(metadata);
        assertThat(products("req-1").get(0).productName()).isEqualTo(name);
    }

    @Test
    void createIsInvisibleToReadersUntilComplete() throws Exception {
        NewRequest big = requestWithImages("req-big", 1_000);
        AtomicBoolean created = new AtomicBoolean();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        CountDownLatch readerStarted = new CountDownLatch(1);
        ExecutorService executor = Executors.newSingleThreadExecutor(ProductRepositoryContract::daemonThread);
        try {
            Future<?> reader = executor.submit(() -> {
                readerStarted.countDown();
                boolean last = false;
                while (!last) {
                    last = created.get();
                    Optional<RequestRecord> found = repository.findRequest("req-big");
                    if (found.isPresent() && found.get().progress().total() != 1_000) {
                        violations.add("findRequest saw " + found.get().progress().total() + " of 1000 images");
                    }
                    int[] streamed = {0};
                    repository.forEachProduct("req-big", p -> streamed[0]++);
                    if (streamed[0] != 0 && streamed[0] != 1_000) {
                        violations.add("forEachProduct streamed " + streamed[0] + " of 1000 products");
                    }
                    if (last && (found.isEmpty() || streamed[0] != 1_000)) {
                        violations.add("request not fully visible after create returned");
                    }
                }
                return null;
            });
            readerStarted.await();
            repository.create(big);
            created.set(true);
            reader.get(CONCURRENCY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            executor.shutdownNow();
        }

        assertThat(violations).isEmpty();
    }

    @Test
    void createIsInvisibleToClaimersUntilComplete() throws Exception {
        NewRequest big = requestWithImages("req-big", 1_000);
        AtomicBoolean created = new AtomicBoolean();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        CountDownLatch claimerStarted = new CountDownLatch(1);
        ExecutorService executor = Executors.newSingleThreadExecutor(ProductRepositoryContract::daemonThread);
        int claimedCount;
        try {
            Future<Integer> claimer = executor.submit(() -> {
                claimerStarted.countDown();
                int count = 0;
                boolean last = false;
                while (!last) {
                    last = created.get();
                    List<ClaimedTask> claimed = repository.claim("w1", 50, T0, LEASE);
                    count += claimed.size();
                    if (!claimed.isEmpty()) {
                        Optional<RequestRecord> found = repository.findRequest("req-big");
                        if (found.isEmpty() || found.get().progress().total() != 1_000) {
                            violations.add("claimed a task of a request not yet fully visible: " + found);
                        }
                    }
                    last = last && claimed.isEmpty();
                }
                return count;
            });
            claimerStarted.await();
            repository.create(big);
            created.set(true);
            claimedCount = claimer.get(CONCURRENCY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            executor.shutdownNow();
        }

        assertThat(violations).isEmpty();
        assertThat(claimedCount).isEqualTo(1_000);
    }

    // ---------------------------------------------------------------- claim

    @Test
    void claimHandsOutAtMostLimitTasks() {
        repository.create(requestWithImages("req-1", 5));

        assertThat(repository.claim("w1", 3, T0, LEASE)).hasSize(3);
        assertThat(repository.claim("w1", 3, T0, LEASE)).hasSize(2);
        assertThat(repository.claim("w1", 3, T0, LEASE)).isEmpty();
    }

    @Test
    void claimOfAnEmptyRepositoryReturnsNothing() {
        assertThat(repository.claim("w1", 10, T0, LEASE)).isEmpty();
    }

    @Test
    void claimedTaskHasAttemptOneAndAFreshLease() {
        NewRequest request = requestWithImages("req-1", 1);
        repository.create(request);
        NewTask task = request.tasks().get(0);

        ClaimedTask claimed = claimOne("w1", T0);

        assertThat(claimed.attempt()).isEqualTo(1);
        assertThat(claimed.url()).isEqualTo(task.url());
        assertThat(claimed.outputKey()).isEqualTo(task.outputKey());
        assertThat(claimed.lease().requestId()).isEqualTo("req-1");
        assertThat(claimed.lease().taskId()).isEqualTo(task.taskId());
        assertThat(claimed.lease().owner()).isEqualTo("w1");
        assertThat(claimed.lease().token()).isNotBlank();
        assertThat(claimed.lease().expiresAt()).isEqualTo(T0.plus(LEASE));
    }

    @Test
    void everyClaimedTaskGetsItsOwnToken() {
        repository.create(requestWithImages("req-1", 5));

        List<ClaimedTask> claimed = new ArrayList<>(repository.claim("w1", 3, T0, LEASE));
        claimed.addAll(repository.claim("w2", 3, T0, LEASE));

        assertThat(claimed).hasSize(5);
        assertThat(claimed).extracting(t -> t.lease().token()).doesNotHaveDuplicates();
        assertThat(claimed).extracting(t -> t.lease().taskId()).doesNotHaveDuplicates();
    }

    @Test
    void claimedImageIsProcessingWithOneAttempt() {
        repository.create(requestWithImages("req-1", 2));

        claimOne("w1", T0);

        assertThat(products("req-1")).flatExtracting(ProductRecord::images)
                .extracting(ImageRecord::status, ImageRecord::attempts)
                .containsExactlyInAnyOrder(tuple(Status.PROCESSING, 1),
                        tuple(Status.PENDING, 0));
        assertThat(find("req-1").status()).isEqualTo(Status.PROCESSING);
        assertThat(find("req-1").progress()).isEqualTo(new Progress(2, 1, 1, 0, 0));
    }

    @Test
    void concurrentClaimersNeverShareATask() throws Exception {
        for (int r = 0; r < 4; r++) {
            repository.create(requestWithImages("req-" + r, 100));
        }

        List<List<ClaimedTask>> perWorker = runConcurrently(8, worker -> {
            List<ClaimedTask> mine = new ArrayList<>();
            List<ClaimedTask> batch;
            do {
                batch = repository.claim("w" + worker, 1 + worker % 3, T0, LEASE);
                mine.addAll(batch);
            } while (!batch.isEmpty());
            return mine;
        });

        List<String> claimed = perWorker.stream().flatMap(List::stream)
                .map(t -> t.lease().requestId() + "/" + t.lease().taskId()).toList();
        assertThat(claimed).hasSize(400).doesNotHaveDuplicates();
        assertThat(perWorker.stream().flatMap(List::stream)).allSatisfy(t -> assertThat(t.attempt()).isEqualTo(1));
    }

    @Test
    void concurrentClaimersTakeOverEachExpiredTaskOnce() throws Exception {
        repository.create(requestWithImages("req-1", 100));
        assertThat(repository.claim("dead", 100, T0, LEASE)).hasSize(100);
        Instant afterExpiry = T0.plus(LEASE);

        List<List<ClaimedTask>> perWorker = runConcurrently(8, worker -> {
            List<ClaimedTask> mine = new ArrayList<>();
            List<ClaimedTask> batch;
            do {
                batch = repository.claim("w" + worker, 1 + worker % 3, afterExpiry, LEASE);
                mine.addAll(batch);
            } while (!batch.isEmpty());
            return mine;
        });

        List<ClaimedTask> claimed = perWorker.stream().flatMap(List::stream).toList();
        assertThat(claimed).hasSize(100);
        assertThat(claimed).extracting(t -> t.lease().taskId()).doesNotHaveDuplicates();
        assertThat(claimed).allSatisfy(t -> assertThat(t).extracting(ClaimedTask::attempt, ClaimedTask::abandoned)
                .containsExactly(1, 1));
    }

    @Test
    void unexpiredLeaseIsNotReclaimed() {
        repository.create(requestWithImages("req-1", 1));
        claimOne("w1", T0);

        assertThat(repository.claim("w2", 10, T0.plus(LEASE).minus(ONE_MILLI), LEASE)).isEmpty();
    }

    @Test
    void expiredLeaseIsReclaimedWithANewTokenAsTheSameAttemptAbandonedOnce() {
        repository.create(requestWithImages("req-1", 1));
        ClaimedTask first = claimOne("w1", T0);
        Instant expiry = T0.plus(LEASE);

        ClaimedTask second = claimOne("w2", expiry);

        assertThat(second.lease().taskId()).isEqualTo(first.lease().taskId());
        assertThat(second.lease().token()).isNotEqualTo(first.lease().token());
        assertThat(second.lease().owner()).isEqualTo("w2");
        assertThat(second.lease().expiresAt()).isEqualTo(expiry.plus(LEASE));
        assertThat(second.attempt()).isEqualTo(1);
        assertThat(second.abandoned()).isEqualTo(1);
        assertThat(onlyImage("req-1").attempts()).isEqualTo(1);
    }

    @Test
    void everyTakeoverCountsAnAbandonedClaimNotAnAttempt() {
        repository.create(requestWithImages("req-1", 1));
        claimOne("w1", T0);
        claimOne("w2", T0.plus(LEASE));

        ClaimedTask third = claimOne("w3", T0.plus(LEASE).plus(LEASE));

        assertThat(third).extracting(ClaimedTask::attempt, ClaimedTask::abandoned).containsExactly(1, 2);
        assertThat(onlyImage("req-1")).extracting(ImageRecord::status, ImageRecord::attempts)
                .containsExactly(Status.PROCESSING, 1);
    }

    @Test
    void firstClaimHasNoAbandonedClaims() {
        repository.create(requestWithImages("req-1", 1));

        assertThat(claimOne("w1", T0).abandoned()).isZero();
    }

    @Test
    void anAttemptThatEndsAfterATakeoverCountsOnce() {
        repository.create(requestWithImages("req-1", 1));
        claimOne("w1", T0);
        Instant expiry = T0.plus(LEASE);
        repository.retryLater(claimOne("w2", expiry).lease(), "HTTP 503", expiry);

        ClaimedTask next = claimOne("w3", expiry);

        assertThat(next).extracting(ClaimedTask::attempt, ClaimedTask::abandoned).containsExactly(2, 1);
    }

    @Test
    void abandonedClaimsAreKeptAcrossRetries() {
        repository.create(requestWithImages("req-1", 1));
        claimOne("w1", T0);
        Instant expiry = T0.plus(LEASE);
        repository.retryLater(claimOne("w2", expiry).lease(), "HTTP 503", expiry);
        claimOne("w3", expiry);

        ClaimedTask afterAnotherDeath = claimOne("w4", expiry.plus(LEASE));

        assertThat(afterAnotherDeath).extracting(ClaimedTask::attempt, ClaimedTask::abandoned).containsExactly(2, 2);
    }

    // ---------------------------------------------------------------- fair claims

    @Test
    void claimsOfOneTaskTakeTurnsBetweenRequests() {
        repository.create(requestWithImages("big", 4));
        repository.create(requestWithImages("other", 4));

        List<String> served = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            served.add(claimOne("w1", T0).lease().requestId());
        }

        assertThat(served).containsExactly("big", "other", "big", "other", "big", "other");
    }

    @Test
    void aClaimTakesOneTaskOfEachRequestPerRound() {
        repository.create(requestWithImages("a", 3));
        repository.create(requestWithImages("b", 3));
        repository.create(requestWithImages("c", 1));

        List<ClaimedTask> claimed = repository.claim("w1", 5, T0, LEASE);

        assertThat(claimed).extracting(t -> t.lease().requestId())
                .containsExactlyInAnyOrder("a", "a", "b", "b", "c");
    }

    @Test
    void aRequestSubmittedBehindALargeOneIsServedByTheNextClaim() {
        repository.create(requestWithImages("large", 50));
        for (int i = 0; i < 3; i++) {
            claimOne("w1", T0);
        }
        repository.create(newRequest("small").createdAt(T0.plusSeconds(1))
                .product(1, "Mug", "https://img.example.com/small/mug.jpg").build());

        assertThat(claimOne("w1", T0.plusSeconds(1)).lease().requestId()).isEqualTo("small");
    }

    @Test
    void requestsNeverServedGoFirstInOrderOfCreation() {
        repository.create(requestWithImages("first", 3));
        claimOne("w1", T0);
        repository.create(requestWithImages("second", 1));
        repository.create(requestWithImages("third", 1));

        List<ClaimedTask> claimed = new ArrayList<>();
        claimed.add(claimOne("w1", T0));
        claimed.add(claimOne("w1", T0));
        claimed.add(claimOne("w1", T0));

        assertThat(claimed).extracting(t -> t.lease().requestId()).containsExactly("second", "third", "first");
    }

    @Test
    void turnsAreSharedByEveryClaimer() {
        repository.create(requestWithImages("a", 2));
        repository.create(requestWithImages("b", 2));

        String firstWorker = claimOne("w1", T0).lease().requestId();
        String secondWorker = claimOne("w2", T0).lease().requestId();

        assertThat(List.of(firstWorker, secondWorker)).containsExactly("a", "b");
    }

    @Test
    void aRequestWithNothingClaimableGivesUpItsTurn() {
        repository.create(requestWithImages("busy", 1));
        repository.create(requestWithImages("idle", 3));
        assertThat(claimOne("w1", T0).lease().requestId()).isEqualTo("busy");
        assertThat(claimOne("w1", T0).lease().requestId()).isEqualTo("idle");

        List<ClaimedTask> claimed = repository.claim("w1", 10, T0, LEASE);

        assertThat(claimed).extracting(t -> t.lease().requestId()).containsExactly("idle", "idle");
    }

    @Test
    void aTaskDueForRetryTakesItsRequestsTurn() {
        repository.create(requestWithImages("retried", 1));
        repository.retryLater(claimOne("w1", T0).lease(), "HTTP 503", T0.plusSeconds(1));
        repository.create(requestWithImages("fresh", 3));
        claimOne("w1", T0);

        List<ClaimedTask> claimed = repository.claim("w1", 2, T0.plusSeconds(1), LEASE);

        assertThat(claimed).extracting(t -> t.lease().requestId()).containsExactlyInAnyOrder("retried", "fresh");
    }

    // ---------------------------------------------------------------- fencing

    @Test
    void staleLeaseCannotComplete() {
        Takeover t = takeOver();

        assertThat(complete(t.stale().lease(), t.at())).isFalse();

        assertUnchangedAfterTakeover();
        assertThat(find("req-1").progress()).isEqualTo(new Progress(1, 0, 1, 0, 0));
    }

    @Test
    void staleLeaseCannotFail() {
        Takeover t = takeOver();

        assertThat(repository.fail(t.stale().lease(), "stale failure", t.at())).isFalse();

        assertUnchangedAfterTakeover();
    }

    @Test
    void staleLeaseCannotRetryLater() {
        Takeover t = takeOver();

        assertThat(repository.retryLater(t.stale().lease(), "stale retry", t.at())).isFalse();

        assertUnchangedAfterTakeover();
        assertThat(repository.claim("w3", 10, t.at(), LEASE)).isEmpty();
    }

    @Test
    void staleLeaseCannotRenew() {
        Takeover t = takeOver();
        Instant currentExpiry = t.current().lease().expiresAt();

        assertThat(repository.renew(t.stale().lease(), currentExpiry.plus(Duration.ofHours(1)))).isFalse();

        assertUnchangedAfterTakeover();
        assertThat(claimOne("w3", currentExpiry).abandoned()).isEqualTo(2);
    }

    @Test
    void staleLeaseCannotRelease() {
        Takeover t = takeOver();

        assertThat(repository.release(t.stale().lease(), t.at())).isFalse();

        assertUnchangedAfterTakeover();
        assertThat(repository.claim("w3", 10, t.at(), LEASE)).isEmpty();
    }

    @Test
    void newOwnerCanCompleteAfterTakeover() {
        Takeover t = takeOver();
        complete(t.stale().lease(), t.at());

        assertThat(complete(t.current().lease(), t.at())).isTrue();

        assertThat(onlyImage("req-1").status()).isEqualTo(Status.COMPLETED);
        assertThat(onlyImage("req-1").outputKey()).isEqualTo(t.current().outputKey());
        assertThat(onlyImage("req-1").outputUrl()).isEqualTo(outputUrlOf(t.current().lease()));
    }

    @Test
    void leaseWithAForeignTokenIsRefused() {
        repository.create(requestWithImages("req-1", 1));
        Lease real = claimOne("w1", T0).lease();
        Lease forged = new Lease(real.requestId(), real.taskId(), real.owner(), real.token() + "-forged", real.expiresAt());

        assertThat(repository.renew(forged, T0.plus(Duration.ofHours(1)))).isFalse();
        assertThat(repository.retryLater(forged, "forged", T0)).isFalse();
        assertThat(repository.release(forged, T0)).isFalse();
        assertThat(repository.fail(forged, "forged", T0)).isFalse();
        assertThat(complete(forged, T0)).isFalse();

        assertThat(onlyImage("req-1")).extracting(ImageRecord::status, ImageRecord::error, ImageRecord::attempts)
                .containsExactly(Status.PROCESSING, null, 1);
    }

    @Test
    void leaseOfAnUnknownRequestOrTaskIsRefused() {
        repository.create(requestWithImages("req-1", 1));
        Lease real = claimOne("w1", T0).lease();
        Lease unknownRequest = new Lease("nope", real.taskId(), real.owner(), real.token(), real.expiresAt());
        Lease unknownTask = new Lease(real.requestId(), "nope", real.owner(), real.token(), real.expiresAt());

        assertThat(complete(unknownRequest, T0)).isFalse();
        assertThat(repository.fail(unknownTask, "x", T0)).isFalse();
        assertThat(repository.renew(unknownRequest, T0.plus(LEASE))).isFalse();
        assertThat(repository.release(unknownTask, T0)).isFalse();
        assertThat(repository.retryLater(unknownRequest, "x", T0)).isFalse();

        assertThat(onlyImage("req-1").status()).isEqualTo(Status.PROCESSING);
    }

    @Test
    void writesAfterCompletionAreRefused() {
        repository.create(requestWithImages("req-1", 1));
        Lease lease = claimOne("w1", T0).lease();
        assertThat(complete(lease, T0)).isTrue();

        assertThat(complete(lease, T0)).isFalse();
        assertThat(repository.fail(lease, "late", T0)).isFalse();
        assertThat(repository.retryLater(lease, "late", T0)).isFalse();
        assertThat(repository.renew(lease, T0.plus(Duration.ofHours(1)))).isFalse();
        assertThat(repository.release(lease, T0)).isFalse();

        assertThat(onlyImage("req-1")).extracting(ImageRecord::status, ImageRecord::error, ImageRecord::attempts)
                .containsExactly(Status.COMPLETED, null, 1);
        assertThat(find("req-1").progress()).isEqualTo(new Progress(1, 0, 0, 1, 0));
    }

    @Test
    void writesAfterFailureAreRefused() {
        repository.create(requestWithImages("req-1", 1));
        Lease lease = claimOne("w1", T0).lease();
        assertThat(repository.fail(lease, "broken", T0)).isTrue();

        assertThat(complete(lease, T0)).isFalse();
        assertThat(repository.fail(lease, "again", T0)).isFalse();
        assertThat(repository.release(lease, T0)).isFalse();

        assertThat(onlyImage("req-1")).extracting(ImageRecord::status, ImageRecord::error)
                .containsExactly(Status.FAILED, "broken");
        assertThat(find("req-1").progress()).isEqualTo(new Progress(1, 0, 0, 0, 1));
    }

    @Test
    void leaseOfADeferredTaskIsNoLongerHeld() {
        repository.create(requestWithImages("req-1", 1));
        Lease lease = claimOne("w1", T0).lease();
        assertThat(repository.retryLater(lease, "busy", T0.plusSeconds(10))).isTrue();

        assertThat(complete(lease, T0)).isFalse();
        assertThat(repository.release(lease, T0)).isFalse();

        assertThat(onlyImage("req-1")).extracting(ImageRecord::status, ImageRecord::error, ImageRecord::attempts)
                .containsExactly(Status.PENDING, "busy", 1);
    }

    @Test
    void expiredLeaseNotYetTakenOverStillApplies() {
        repository.create(requestWithImages("req-1", 1));
        Lease lease = claimOne("w1", T0).lease();

        assertThat(complete(lease, T0.plus(LEASE).plus(Duration.ofHours(1)))).isTrue();

        assertThat(onlyImage("req-1").status()).isEqualTo(Status.COMPLETED);
    }

    @Test
    void concurrentCompletesOfOneLeaseApplyOnce() throws Exception {
        repository.create(requestWithImages("req-1", 1));
        Lease lease = claimOne("w1", T0).lease();

        List<Boolean> results = runConcurrently(8, worker -> complete(lease, T0));

        assertThat(results).containsOnlyOnce(true);
        assertThat(find("req-1").progress()).isEqualTo(new Progress(1, 0, 0, 1, 0));
    }

    // ---------------------------------------------------------------- renew

    @Test
    void renewedLeaseIsNotReclaimedBeforeItsNewExpiry() {
        repository.create(requestWithImages("req-1", 1));
        Lease lease = claimOne("w1", T0).lease();
        Instant newExpiry = T0.plus(Duration.ofMinutes(10));

        assertThat(repository.renew(lease, newExpiry)).isTrue();

        assertThat(repository.claim("w2", 10, T0.plus(LEASE), LEASE)).isEmpty();
        assertThat(repository.claim("w2", 10, newExpiry.minus(ONE_MILLI), LEASE)).isEmpty();
        assertThat(claimOne("w2", newExpiry).abandoned()).isEqualTo(1);
    }

    @Test
    void renewedLeaseKeepsItsTokenForLaterWrites() {
        repository.create(requestWithImages("req-1", 1));
        Lease lease = claimOne("w1", T0).lease();
        Instant newExpiry = T0.plus(Duration.ofMinutes(10));
        repository.renew(lease, newExpiry);

        assertThat(complete(lease.withExpiresAt(newExpiry), T0.plus(Duration.ofMinutes(5)))).isTrue();
        assertThat(onlyImage("req-1").status()).isEqualTo(Status.COMPLETED);
    }

    // ---------------------------------------------------------------- retryLater

    @Test
    void retryLaterMakesTheTaskPendingWithItsErrorAndAttempts() {
        repository.create(requestWithImages("req-1", 1));
        Lease lease = claimOne("w1", T0).lease();

        assertThat(repository.retryLater(lease, "HTTP 503 from img.example.com", T0.plusSeconds(30))).isTrue();

        ImageRecord image = onlyImage("req-1");
        assertThat(image.status()).isEqualTo(Status.PENDING);
        assertThat(image.error()).isEqualTo("HTTP 503 from img.example.com");
        assertThat(image.attempts()).isEqualTo(1);
        assertThat(image.outputKey()).isNull();
        assertThat(find("req-1").progress()).isEqualTo(new Progress(1, 1, 0, 0, 0));
    }

    @Test
    void deferredTaskIsNotClaimableBeforeNotBefore() {
        repository.create(requestWithImages("req-1", 1));
        Instant notBefore = T0.plusSeconds(30);
        repository.retryLater(claimOne("w1", T0).lease(), "busy", notBefore);

        assertThat(repository.claim("w1", 10, T0, LEASE)).isEmpty();
        assertThat(repository.claim("w1", 10, notBefore.minus(ONE_MILLI), LEASE)).isEmpty();
    }

    @Test
    void deferredTaskIsClaimableAtNotBeforeAsTheNextAttempt() {
        repository.create(requestWithImages("req-1", 1));
        Instant notBefore = T0.plusSeconds(30);
        repository.retryLater(claimOne("w1", T0).lease(), "busy", notBefore);

        ClaimedTask retry = claimOne("w2", notBefore);

        assertThat(retry.attempt()).isEqualTo(2);
        assertThat(retry.lease().expiresAt()).isEqualTo(notBefore.plus(LEASE));
    }

    @Test
    void errorIsShownOnlyWhileTheRetryIsPending() {
        repository.create(requestWithImages("req-1", 1));
        Instant notBefore = T0.plusSeconds(30);
        repository.retryLater(claimOne("w1", T0).lease(), "busy", notBefore);

        claimOne("w2", notBefore);

        assertThat(onlyImage("req-1")).extracting(ImageRecord::status, ImageRecord::error, ImageRecord::attempts)
                .containsExactly(Status.PROCESSING, null, 2);
    }

    @Test
    void retryLaterWithNotBeforeInThePastIsClaimableAtOnce() {
        repository.create(requestWithImages("req-1", 1));
        repository.retryLater(claimOne("w1", T0.plusSeconds(60)).lease(), "busy", T0);

        assertThat(claimOne("w2", T0.plusSeconds(60)).attempt()).isEqualTo(2);
    }

    // ---------------------------------------------------------------- release

    @Test
    void releasedTaskIsClaimableAtOnceWithItsAttemptGivenBack() {
        repository.create(requestWithImages("req-1", 1));
        Lease lease = claimOne("w1", T0).lease();

        assertThat(repository.release(lease, T0)).isTrue();

        assertThat(onlyImage("req-1")).extracting(ImageRecord::status, ImageRecord::attempts)
                .containsExactly(Status.PENDING, 0);
        assertThat(claimOne("w2", T0).attempt()).isEqualTo(1);
    }

    @Test
    void releaseOfARetriedTaskGivesBackOnlyTheLastAttempt() {
        repository.create(requestWithImages("req-1", 1));
        repository.retryLater(claimOne("w1", T0).lease(), "busy", T0.plusSeconds(30));
        Lease second = claimOne("w2", T0.plusSeconds(30)).lease();

        assertThat(repository.release(second, T0)).isTrue();

        assertThat(onlyImage("req-1").attempts()).isEqualTo(1);
        assertThat(claimOne("w3", T0.plusSeconds(30)).attempt()).isEqualTo(2);
    }

    @Test
    void releasedTaskIsNotClaimableBeforeNotBefore() {
        repository.create(requestWithImages("req-1", 1));
        Instant notBefore = T0.plusSeconds(5);

        assertThat(repository.release(claimOne("w1", T0).lease(), notBefore)).isTrue();

        assertThat(repository.claim("w2", 10, notBefore.minus(ONE_MILLI), LEASE)).isEmpty();
        assertThat(claimOne("w2", notBefore)).extracting(ClaimedTask::attempt, ClaimedTask::abandoned)
                .containsExactly(1, 0);
    }

    @Test
    void releasedTaskShowsTheErrorOfItsLastRetryAgain() {
        repository.create(requestWithImages("req-1", 1));
        repository.retryLater(claimOne("w1", T0).lease(), "HTTP 503", T0);
        Lease second = claimOne("w1", T0).lease();

        repository.release(second, T0);

        assertThat(onlyImage("req-1")).extracting(ImageRecord::status, ImageRecord::error, ImageRecord::attempts)
                .containsExactly(Status.PENDING, "HTTP 503", 1);
    }

    @Test
    void releaseAfterATakeoverKeepsTheAbandonedCount() {
        repository.create(requestWithImages("req-1", 1));
        claimOne("w1", T0);
        Instant expiry = T0.plus(LEASE);
        repository.release(claimOne("w2", expiry).lease(), expiry);

        assertThat(claimOne("w3", expiry)).extracting(ClaimedTask::attempt, ClaimedTask::abandoned)
                .containsExactly(1, 1);
    }

    // ---------------------------------------------------------------- complete and fail

    @Test
    void completedImageHasItsOutputKeyAndNoError() {
        repository.create(requestWithImages("req-1", 1));
        repository.retryLater(claimOne("w1", T0).lease(), "busy", T0);
        ClaimedTask retry = claimOne("w1", T0);

        assertThat(complete(retry.lease(), T0)).isTrue();

        assertThat(onlyImage("req-1")).extracting(ImageRecord::status, ImageRecord::outputKey, ImageRecord::error,
                ImageRecord::attempts).containsExactly(Status.COMPLETED, retry.outputKey(), null, 2);
    }

    @Test
    void completedImageHasTheSizesOfWhatWasStored() {
        repository.create(requestWithImages("req-1", 1));
        Lease lease = claimOne("w1", T0).lease();

        assertThat(repository.complete(lease, new ImageOutput(outputUrlOf(lease), 2_500_000, 310_000, 1920, 1080), T0))
                .isTrue();

        assertThat(onlyImage("req-1")).extracting(ImageRecord::outputUrl, ImageRecord::sourceBytes,
                ImageRecord::outputBytes, ImageRecord::width, ImageRecord::height)
                .containsExactly(outputUrlOf(lease), 2_500_000L, 310_000L, 1920, 1080);
    }

    @Test
    void unfinishedAndFailedImagesHaveNoSizes() {
        repository.create(requestWithImages("req-1", 3));
        List<ClaimedTask> claimed = repository.claim("w1", 2, T0, LEASE);
        repository.fail(claimed.get(0).lease(), "broken", T0);

        assertThat(products("req-1")).flatExtracting(ProductRecord::images)
                .extracting(ImageRecord::sourceBytes, ImageRecord::outputBytes, ImageRecord::width, ImageRecord::height)
                .containsOnly(tuple(0L, 0L, 0, 0));
    }

    @Test
    void failedImageHasItsErrorAndNoOutputKey() {
        repository.create(requestWithImages("req-1", 1));

        assertThat(repository.fail(claimOne("w1", T0).lease(), "HTTP 404 for https://img.example.com/x.jpg", T0)).isTrue();

        assertThat(onlyImage("req-1")).extracting(ImageRecord::status, ImageRecord::outputKey, ImageRecord::error,
                ImageRecord::attempts).containsExactly(Status.FAILED, null, "HTTP 404 for https://img.example.com/x.jpg", 1);
    }

    @Test
    void failedTaskIsNeverClaimedAgain() {
        repository.create(requestWithImages("req-1", 1));
        repository.fail(claimOne("w1", T0).lease(), "broken", T0);

        assertThat(repository.claim("w2", 10, T0.plus(Duration.ofDays(365)), LEASE)).isEmpty();
    }

    @Test
    void completedTaskIsNeverClaimedAgain() {
        repository.create(requestWithImages("req-1", 1));
        complete(claimOne("w1", T0).lease(), T0);

        assertThat(repository.claim("w2", 10, T0.plus(Duration.ofDays(365)), LEASE)).isEmpty();
    }

    // ---------------------------------------------------------------- progress and request status

    @Test
    void progressCountsEveryStatus() {
        repository.create(requestWithImages("req-1", 4));
        List<ClaimedTask> claimed = repository.claim("w1", 3, T0, LEASE);
        complete(claimed.get(0).lease(), T0);
        repository.fail(claimed.get(1).lease(), "broken", T0);

        RequestRecord found = find("req-1");

        assertThat(found.progress()).isEqualTo(new Progress(4, 1, 1, 1, 1));
        assertThat(found.status()).isEqualTo(Status.PROCESSING);
    }

    @Test
    void requestStatusMovesFromPendingThroughProcessingToCompleted() {
        repository.create(requestWithImages("req-1", 2));
        assertThat(find("req-1").status()).isEqualTo(Status.PENDING);

        List<ClaimedTask> claimed = repository.claim("w1", 1, T0, LEASE);
        assertThat(find("req-1").status()).isEqualTo(Status.PROCESSING);

        complete(claimed.get(0).lease(), T0);
        assertThat(find("req-1").status()).isEqualTo(Status.PROCESSING);

        complete(claimOne("w1", T0).lease(), T0);
        RequestRecord done = find("req-1");
        assertThat(done.status()).isEqualTo(Status.COMPLETED);
        assertThat(done.finishedAt()).isNull();
        assertThat(done.progress()).isEqualTo(new Progress(2, 0, 0, 2, 0));
    }

    @Test
    void requestWithAFailedImageIsFailedOnceAllAreDone() {
        repository.create(requestWithImages("req-1", 2));
        List<ClaimedTask> claimed = repository.claim("w1", 2, T0, LEASE);
        repository.fail(claimed.get(0).lease(), "broken", T0);
        assertThat(find("req-1").status()).isEqualTo(Status.PROCESSING);

        complete(claimed.get(1).lease(), T0);

        assertThat(find("req-1").status()).isEqualTo(Status.FAILED);
        assertThat(repository.finishIfDone("req-1", "w1", T0, NOTIFICATION_LEASE).orElseThrow().status())
                .isEqualTo(Status.FAILED);
        assertThat(find("req-1").status()).isEqualTo(Status.FAILED);
    }

    // ---------------------------------------------------------------- finishIfDone

    @Test
    void finishIfDoneReturnsEmptyWhileATaskIsPending() {
        repository.create(requestWithImages("req-1", 2));
        complete(claimOne("w1", T0).lease(), T0);

        assertThat(repository.finishIfDone("req-1", "w1", T0, NOTIFICATION_LEASE)).isEmpty();
        assertThat(find("req-1").finishedAt()).isNull();
    }

    @Test
    void finishIfDoneReturnsEmptyWhileATaskIsProcessing() {
        repository.create(requestWithImages("req-1", 2));
        List<ClaimedTask> claimed = repository.claim("w1", 2, T0, LEASE);
        complete(claimed.get(0).lease(), T0);

        assertThat(repository.finishIfDone("req-1", "w1", T0, NOTIFICATION_LEASE)).isEmpty();
        assertThat(find("req-1").finishedAt()).isNull();
    }

    @Test
    void finishIfDoneReturnsEmptyWhileARetryIsPending() {
        repository.create(requestWithImages("req-1", 1));
        repository.retryLater(claimOne("w1", T0).lease(), "busy", T0.plusSeconds(30));

        assertThat(repository.finishIfDone("req-1", "w1", T0, NOTIFICATION_LEASE)).isEmpty();
    }

    @Test
    void finishIfDoneFinishesADoneRequestAndReturnsIt() {
        repository.create(newRequest("req-1").metadata("webhookUrl", "https://hooks.example.com/x")
                .product(1, "Shirt", "https://img.example.com/a.jpg").build());
        complete(claimOne("w1", T0).lease(), T0);
        Instant finishing = T0.plusSeconds(5);

        RequestRecord finished = repository.finishIfDone("req-1", "w1", finishing, NOTIFICATION_LEASE).orElseThrow();

        assertThat(finished.requestId()).isEqualTo("req-1");
        assertThat(finished.status()).isEqualTo(Status.COMPLETED);
        assertThat(finished.createdAt()).isEqualTo(T0);
        assertThat(finished.finishedAt()).isEqualTo(finishing);
        assertThat(finished.metadata()).containsEntry("webhookUrl", "https://hooks.example.com/x");
        assertThat(finished.progress()).isEqualTo(new Progress(1, 0, 0, 1, 0));
        assertThat(find("req-1")).isEqualTo(finished);
    }

    @Test
    void finishIfDoneReturnsTheRecordOnlyOnce() {
        repository.create(requestWithImages("req-1", 1));
        complete(claimOne("w1", T0).lease(), T0);
        repository.finishIfDone("req-1", "w1", T0, NOTIFICATION_LEASE);

        assertThat(repository.finishIfDone("req-1", "w1", T0, NOTIFICATION_LEASE)).isEmpty();
        assertThat(repository.finishIfDone("req-1", "w2", T0.plus(Duration.ofDays(1)), NOTIFICATION_LEASE)).isEmpty();
        assertThat(find("req-1").finishedAt()).isEqualTo(T0);
    }

    @Test
    void exactlyOneOfEightConcurrentFinishersGetsTheRecord() throws Exception {
        repository.create(requestWithImages("req-1", 3));
        for (ClaimedTask task : repository.claim("w1", 3, T0, LEASE)) {
            complete(task.lease(), T0);
        }

        List<Optional<RequestRecord>> results =
                runConcurrently(8, worker -> repository.finishIfDone("req-1", "w" + worker, T0, NOTIFICATION_LEASE));

        assertThat(results).filteredOn(Optional::isPresent).hasSize(1);
    }

    @Test
    void finishIfDoneOfAnUnknownRequestReturnsEmpty() {
        assertThat(repository.finishIfDone("nope", "w1", T0, NOTIFICATION_LEASE)).isEmpty();
    }

    // ---------------------------------------------------------------- findFinishable

    @Test
    void findFinishableListsDoneRequestsThatAreNotFinished() {
        repository.create(requestWithImages("req-done", 1));
        completeAllOf("req-done");
        repository.create(requestWithImages("req-finished", 1));
        completeAllOf("req-finished");
        repository.finishIfDone("req-finished", "w1", T0, NOTIFICATION_LEASE);
        repository.create(requestWithImages("req-open", 2));
        completeOneOf("req-open");
        repository.create(requestWithImages("req-untouched", 1));

        assertThat(repository.findFinishable(10)).containsExactly("req-done");
    }

    @Test
    void findFinishableListsRequestsWithFailedTasks() {
        repository.create(requestWithImages("req-1", 1));
        repository.fail(claimOne("w1", T0).lease(), "broken", T0);

        assertThat(repository.findFinishable(10)).containsExactly("req-1");
    }

    @Test
    void findFinishableReturnsAtMostLimitIds() {
        for (int i = 0; i < 5; i++) {
            repository.create(requestWithImages("req-" + i, 1));
            completeAllOf("req-" + i);
        }

        List<String> found = repository.findFinishable(3);

        assertThat(found).hasSize(3).doesNotHaveDuplicates()
                .isSubsetOf("req-0", "req-1", "req-2", "req-3", "req-4");
    }

    @Test
    void finishedRequestIsNoLongerFinishable() {
        repository.create(requestWithImages("req-1", 1));
        completeAllOf("req-1");
        assertThat(repository.findFinishable(10)).containsExactly("req-1");

        repository.finishIfDone("req-1", "w1", T0, NOTIFICATION_LEASE);

        assertThat(repository.findFinishable(10)).isEmpty();
    }

    // ---------------------------------------------------------------- notifications

    @Test
    void finishersNotificationIsNotHandedOutBeforeItsLeaseExpires() {
        finishedRequest("req-1", "finisher");

        assertThat(repository.claimNotifications("other", 10, T0, NOTIFICATION_LEASE)).isEmpty();
        assertThat(repository.claimNotifications("other", 10, T0.plus(NOTIFICATION_LEASE).minus(ONE_MILLI),
                NOTIFICATION_LEASE)).isEmpty();
    }

    @Test
    void expiredNotificationIsHandedOutToAnotherWorker() {
        RequestRecord finished = finishedRequest("req-1", "finisher");

        List<RequestRecord> claimed = repository.claimNotifications("other", 10, T0.plus(NOTIFICATION_LEASE),
                NOTIFICATION_LEASE);

        assertThat(claimed).containsExactly(finished);
    }

    @Test
    void claimedNotificationIsNotHandedOutAgainBeforeItsNewLeaseExpires() {
        finishedRequest("req-1", "finisher");
        Instant claimedAt = T0.plus(NOTIFICATION_LEASE);
        Duration shortLease = Duration.ofSeconds(30);
        assertThat(repository.claimNotifications("second", 10, claimedAt, shortLease)).hasSize(1);

        assertThat(repository.claimNotifications("third", 10, claimedAt.plus(shortLease).minus(ONE_MILLI), shortLease))
                .isEmpty();
        assertThat(repository.claimNotifications("third", 10, claimedAt.plus(shortLease), shortLease)).hasSize(1);
    }

    @Test
    void markNotifiedByTheHolderClosesTheNotification() {
        finishedRequest("req-1", "finisher");

        assertThat(repository.markNotified("req-1", "finisher", T0)).isTrue();

        assertThat(repository.claimNotifications("other", 10, T0.plus(Duration.ofDays(365)), NOTIFICATION_LEASE)).isEmpty();
    }

    @Test
    void markNotifiedTwiceIsRefusedTheSecondTime() {
        finishedRequest("req-1", "finisher");
        repository.markNotified("req-1", "finisher", T0);

        assertThat(repository.markNotified("req-1", "finisher", T0)).isFalse();
    }

    @Test
    void markNotifiedByAnotherWorkerIsRefused() {
        finishedRequest("req-1", "finisher");

        assertThat(repository.markNotified("req-1", "other", T0)).isFalse();

        assertThat(repository.claimNotifications("other", 10, T0.plus(NOTIFICATION_LEASE), NOTIFICATION_LEASE)).hasSize(1);
    }

    @Test
    void takenOverNotificationCanOnlyBeMarkedByItsNewHolder() {
        finishedRequest("req-1", "finisher");
        Instant takeover = T0.plus(NOTIFICATION_LEASE);
        repository.claimNotifications("second", 10, takeover, NOTIFICATION_LEASE);

        assertThat(repository.markNotified("req-1", "finisher", takeover)).isFalse();
        assertThat(repository.markNotified("req-1", "second", takeover)).isTrue();
        assertThat(repository.claimNotifications("third", 10, takeover.plus(Duration.ofDays(365)), NOTIFICATION_LEASE))
                .isEmpty();
    }

    @Test
    void renewedNotificationIsNotHandedOutBeforeItsNewExpiry() {
        finishedRequest("req-1", "finisher");
        Instant renewedUntil = T0.plus(NOTIFICATION_LEASE).plus(NOTIFICATION_LEASE);

        assertThat(repository.renewNotification("req-1", "finisher", renewedUntil)).isTrue();

        assertThat(repository.claimNotifications("other", 10, renewedUntil.minus(ONE_MILLI), NOTIFICATION_LEASE)).isEmpty();
        assertThat(repository.claimNotifications("other", 10, renewedUntil, NOTIFICATION_LEASE)).hasSize(1);
    }

    @Test
    void expiredButUnclaimedNotificationCanStillBeRenewedByItsHolder() {
        finishedRequest("req-1", "finisher");

        assertThat(repository.renewNotification("req-1", "finisher", T0.plus(Duration.ofDays(1)))).isTrue();
    }

    @Test
    void renewNotificationIsRefusedToOthersAfterTakeoverAndAfterMarking() {
        finishedRequest("req-1", "finisher");
        Instant takeover = T0.plus(NOTIFICATION_LEASE);
        repository.claimNotifications("second", 10, takeover, NOTIFICATION_LEASE);

        assertThat(repository.renewNotification("req-1", "finisher", takeover.plus(NOTIFICATION_LEASE))).isFalse();
        assertThat(repository.renewNotification("req-1", "other", takeover.plus(NOTIFICATION_LEASE))).isFalse();
        assertThat(repository.renewNotification("req-1", "second", takeover.plus(NOTIFICATION_LEASE))).isTrue();
        repository.markNotified("req-1", "second", takeover);
        assertThat(repository.renewNotification("req-1", "second", takeover.plus(NOTIFICATION_LEASE))).isFalse();
        assertThat(repository.renewNotification("nope", "second", takeover)).isFalse();
    }

    @Test
    void unfinishedRequestsNotificationCannotBeRenewed() {
        repository.create(requestWithImages("req-1", 1));

        assertThat(repository.renewNotification("req-1", "w1", T0.plus(NOTIFICATION_LEASE))).isFalse();
    }

    @Test
    void claimNotificationsReturnsAtMostLimit() {
        for (int i = 0; i < 5; i++) {
            finishedRequest("req-" + i, "finisher");
        }

        List<RequestRecord> first = repository.claimNotifications("other", 3, T0.plus(NOTIFICATION_LEASE), NOTIFICATION_LEASE);
        List<RequestRecord> rest = repository.claimNotifications("other", 3, T0.plus(NOTIFICATION_LEASE), NOTIFICATION_LEASE);

        assertThat(first).hasSize(3);
        assertThat(rest).hasSize(2);
        assertThat(Stream.concat(first.stream(), rest.stream())).extracting(RequestRecord::requestId)
                .containsExactlyInAnyOrder("req-0", "req-1", "req-2", "req-3", "req-4");
    }

    @Test
    void unfinishedRequestHasNoNotification() {
        repository.create(requestWithImages("req-1", 1));
        completeAllOf("req-1");

        assertThat(repository.claimNotifications("other", 10, T0.plus(Duration.ofDays(365)), NOTIFICATION_LEASE)).isEmpty();
        assertThat(repository.markNotified("req-1", "w1", T0)).isFalse();
        assertThat(repository.markNotified("nope", "w1", T0)).isFalse();
    }

    // ---------------------------------------------------------------- listing

    @Test
    void pendingImagesAreCountedOverEveryRequest() {
        assertThat(repository.countPendingImages()).isZero();
        repository.create(requestWithImages("r1", 3));
        repository.create(requestWithImages("r2", 2));
        assertThat(repository.countPendingImages()).isEqualTo(5);

        ClaimedTask claimed = claimOne("w1", T0);
        assertThat(repository.countPendingImages()).as("a claimed image is processing, not pending").isEqualTo(4);

        assertThat(repository.complete(claimed.lease(), outputOf(claimed.lease()), T0)).isTrue();
        assertThat(repository.countPendingImages()).isEqualTo(4);
    }

    @Test
    void requestsAreListedNewestFirst() {
        repository.create(newRequest("r1").createdAt(T0).product(1, "A", "https://img.example.com/1.jpg").build());
        repository.create(newRequest("r3").createdAt(T0.plusSeconds(2)).product(1, "C", "https://img.example.com/3.jpg").build());
        repository.create(newRequest("r2").createdAt(T0.plusSeconds(1)).product(1, "B", "https://img.example.com/2.jpg").build());

        assertThat(repository.listRequests(10, null)).extracting(RequestRecord::requestId)
                .containsExactly("r3", "r2", "r1");
    }

    @Test
    void requestsCreatedAtTheSameInstantAreListedByIdDescending() {
        for (String id : List.of("b", "c", "a")) {
            repository.create(requestWithImages(id, 1));
        }

        assertThat(repository.listRequests(10, null)).extracting(RequestRecord::requestId)
                .containsExactly("c", "b", "a");
    }

    @Test
    void pagesFollowEachOtherWithoutGapOrRepeat() {
        for (int i = 0; i < 7; i++) {
            repository.create(newRequest("r" + i).createdAt(T0.plusSeconds(i / 2))
                    .product(1, "P", "https://img.example.com/" + i + ".jpg").build());
        }

        List<String> listed = new ArrayList<>();
        RequestCursor cursor = null;
        List<RequestRecord> page;
        do {
            page = repository.listRequests(3, cursor);
            assertThat(page.size()).isLessThanOrEqualTo(3);
            page.forEach(record -> listed.add(record.requestId()));
            cursor = page.isEmpty() ? cursor : RequestCursor.after(page.get(page.size() - 1));
        } while (!page.isEmpty());

        assertThat(listed).containsExactly("r6", "r5", "r4", "r3", "r2", "r1", "r0");
    }

    @Test
    void listedRecordsAreWhatFindRequestReturns() {
        repository.create(newRequest("req-1").metadata("webhookUrl", "https://hooks.example.com/x")
                .product(1, "A", "https://img.example.com/a.jpg", "https://img.example.com/b.jpg")
                .product(2, "B", "https://img.example.com/c.jpg").build());
        List<ClaimedTask> claimed = repository.claim("w1", 2, T0, LEASE);
        complete(claimed.get(0).lease(), T0);
        repository.create(requestWithImages("req-2", 1));
        completeOneOf("req-2");
        repository.finishIfDone("req-2", "w1", T0, NOTIFICATION_LEASE);

        assertThat(repository.listRequests(10, null)).containsExactly(find("req-2"), find("req-1"));
    }

    @Test
    void aCursorStaysValidWhenItsRequestIsDeleted() {
        for (int i : new int[] {2, 0, 1}) {
            repository.create(newRequest("r" + i).createdAt(T0.plusSeconds(i))
                    .product(1, "P", "https://img.example.com/" + i + ".jpg").build());
        }
        RequestRecord newest = repository.listRequests(1, null).get(0);
        completeOneOf("r2");
        repository.finishIfDone("r2", "w1", T0, NOTIFICATION_LEASE);
        repository.deleteRequest("r2");

        assertThat(repository.listRequests(10, RequestCursor.after(newest))).extracting(RequestRecord::requestId)
                .containsExactly("r1", "r0");
    }

    @Test
    void deletedRequestsAreNotListed() {
        finishedRequest("req-1", "finisher");
        repository.create(requestWithImages("req-2", 1));

        repository.deleteRequest("req-1");

        assertThat(repository.listRequests(10, null)).extracting(RequestRecord::requestId).containsExactly("req-2");
    }

    @Test
    void listingAnEmptyRepositoryOrPastTheOldestReturnsNothing() {
        assertThat(repository.listRequests(5, null)).isEmpty();
        repository.create(requestWithImages("req-1", 1));

        assertThat(repository.listRequests(5, RequestCursor.after(find("req-1")))).isEmpty();
    }

    @Test
    void listingFewerThanOneRequestIsRefused() {
        assertThatThrownBy(() -> repository.listRequests(0, null)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- deletion

    @Test
    void deletedRequestIsNoLongerFoundListedOrAnnounced() {
        finishedRequest("req-1", "finisher");

        assertThat(repository.deleteRequest("req-1")).isTrue();

        assertThat(repository.findRequest("req-1")).isEmpty();
        List<ProductRecord> products = new ArrayList<>();
        repository.forEachProduct("req-1", products::add);
        assertThat(products).isEmpty();
        assertThat(repository.claimNotifications("other", 10, T0.plus(Duration.ofDays(365)), NOTIFICATION_LEASE))
                .isEmpty();
        assertThat(repository.findFinishable(10)).isEmpty();
    }

    @Test
    void deletingLeavesOtherRequestsAlone() {
        finishedRequest("req-1", "finisher");
        finishedRequest("req-2", "finisher");
        repository.create(requestWithImages("req-3", 2));

        repository.deleteRequest("req-1");

        assertThat(repository.findRequest("req-2")).isPresent();
        assertThat(repository.claimNotifications("other", 10, T0.plus(Duration.ofDays(365)), NOTIFICATION_LEASE))
                .extracting(RequestRecord::requestId).containsExactly("req-2");
        assertThat(repository.claim("w1", 10, T0, LEASE)).hasSize(2)
                .allSatisfy(task -> assertThat(task.lease().requestId()).isEqualTo("req-3"));
    }

    @Test
    void deletingAnUnknownOrDeletedRequestReturnsFalse() {
        finishedRequest("req-1", "finisher");
        repository.deleteRequest("req-1");

        assertThat(repository.deleteRequest("req-1")).isFalse();
        assertThat(repository.deleteRequest("no-such-request")).isFalse();
    }

    @Test
    void anUnfinishedRequestIsNotDeleted() {
        repository.create(requestWithImages("req-1", 2));
        claimOne("w1", T0);

        assertThatThrownBy(() -> repository.deleteRequest("req-1")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("req-1").hasMessageContaining("not finished");

        assertThat(repository.findRequest("req-1")).isPresent();
        assertThat(repository.claim("w2", 10, T0, LEASE)).hasSize(1);
    }

    @Test
    void deletingWhileAnotherRequestHasATaskInProcessing() {
        repository.create(requestWithImages("req-1", 1));
        repository.create(requestWithImages("req-2", 1));
        List<ClaimedTask> claimed = repository.claim("w1", 10, T0, LEASE);
        ClaimedTask first = claimed.stream().filter(t -> t.lease().requestId().equals("req-1")).findFirst().orElseThrow();
        assertThat(complete(first.lease(), T0)).isTrue();
        assertThat(repository.finishIfDone("req-1", "finisher", T0, NOTIFICATION_LEASE)).isPresent();

        assertThat(repository.deleteRequest("req-1")).isTrue();

        assertThat(repository.findRequest("req-2")).isPresent();
        assertThat(repository.claim("w2", 10, T0.plus(LEASE), LEASE)).hasSize(1);
    }

    @Test
    void deletingAnAnnouncedRequestWhileAnotherNotificationIsOpen() {
        finishedRequest("req-1", "finisher");
        assertThat(repository.markNotified("req-1", "finisher", T0)).isTrue();
        finishedRequest("req-2", "finisher");

        assertThat(repository.deleteRequest("req-1")).isTrue();

        assertThat(repository.claimNotifications("other", 10, T0.plus(Duration.ofDays(365)), NOTIFICATION_LEASE))
                .extracting(RequestRecord::requestId).containsExactly("req-2");
    }

    @Test
    void aNotificationClaimedByAnotherEngineCannotBeRenewedOrClosedOnceItsRequestIsDeleted() {
        finishedRequest("req-1", "finisher");
        Instant later = T0.plus(NOTIFICATION_LEASE);
        assertThat(repository.claimNotifications("other", 10, later, NOTIFICATION_LEASE)).hasSize(1);

        assertThat(repository.deleteRequest("req-1")).isTrue();

        assertThat(repository.renewNotification("req-1", "other", later.plus(NOTIFICATION_LEASE))).isFalse();
        assertThat(repository.markNotified("req-1", "other", later)).isFalse();
        assertThat(repository.finishIfDone("req-1", "x", later, NOTIFICATION_LEASE)).isEmpty();
        assertThat(repository.claimNotifications("third", 10, T0.plus(Duration.ofDays(365)), NOTIFICATION_LEASE))
                .isEmpty();
    }

    @Test
    void aFinishedRequestWhoseNotificationWasSentCanBeDeleted() {
        finishedRequest("req-1", "finisher");
        repository.markNotified("req-1", "finisher", T0);

        assertThat(repository.deleteRequest("req-1")).isTrue();
        assertThat(repository.findRequest("req-1")).isEmpty();
    }

    // ---------------------------------------------------------------- health

    @Test
    void pingSucceeds() {
        repository.ping();
    }

    // ================================================================ helpers

    /**
     * {@return a builder for a request created at {@link #T0}}
     *
     * @param requestId the request's id; also used in output keys, so it must be a valid
     *     {@link io.imgpipe.spi.ObjectKeys} segment
     */
    protected static NewRequestBuilder newRequest(String requestId) {
        return new NewRequestBuilder(requestId);
    }

    /**
     * {@return a request created at {@link #T0}}
     *
     * @param requestId the request's id
     * @param images how many products, each with one image of its own
     */
    protected static NewRequest requestWithImages(String requestId, int images) {
        NewRequestBuilder builder = newRequest(requestId);
        for (int i = 0; i < images; i++) {
            builder.product(i + 1, "Product " + (i + 1), "https://img.example.com/" + requestId + "/" + i + ".jpg");
        }
        return builder.build();
    }

    /** {@return the request, failing the test if it is not found} */
    protected final RequestRecord find(String requestId) {
        return repository.findRequest(requestId)
                .orElseThrow(() -> new AssertionError("request " + requestId + " not found"));
    }

    /** {@return every product of the request, as streamed} */
    protected final List<ProductRecord> products(String requestId) {
        List<ProductRecord> products = new ArrayList<>();
        repository.forEachProduct(requestId, products::add);
        return products;
    }

    /** {@return the one image of a one-image request} */
    protected final ImageRecord onlyImage(String requestId) {
        List<ImageRecord> images = products(requestId).stream().flatMap(p -> p.images().stream()).toList();
        assertThat(images).as("images of " + requestId).hasSize(1);
        return images.get(0);
    }

    /**
     * Completes a task with the URL a store would have given for it ({@link #outputUrlOf}).
     *
     * @return what {@link ProductRepository#complete} returned
     */
    protected final boolean complete(Lease lease, Instant now) {
        return repository.complete(lease, outputOf(lease), now);
    }

    /** {@return what a worker would have stored for the lease's task, with {@link #outputUrlOf} as its URL} */
    protected static ImageOutput outputOf(Lease lease) {
        return new ImageOutput(outputUrlOf(lease), 123_456, 45_678, 640, 480);
    }

    /** {@return a made-up output URL for the lease's task} */
    protected static URI outputUrlOf(Lease lease) {
        return URI.create("https://cdn.example.com/out/" + lease.requestId() + "/" + lease.taskId() + ".jpg");
    }

    /** Claims exactly one task, failing the test if none or more is handed out. */
    protected final ClaimedTask claimOne(String owner, Instant now) {
        List<ClaimedTask> claimed = repository.claim(owner, 1, now, LEASE);
        assertThat(claimed).as("tasks claimed by " + owner + " at " + now).hasSize(1);
        return claimed.get(0);
    }

    private void completeAllOf(String requestId) {
        List<ClaimedTask> claimed;
        do {
            claimed = repository.claim("w1", 100, T0, LEASE);
            for (ClaimedTask task : claimed) {
                assertThat(task.lease().requestId()).isEqualTo(requestId);
                assertThat(complete(task.lease(), T0)).isTrue();
            }
        } while (!claimed.isEmpty());
    }

    private void completeOneOf(String requestId) {
        ClaimedTask task = claimOne("w1", T0);
        assertThat(task.lease().requestId()).isEqualTo(requestId);
        assertThat(complete(task.lease(), T0)).isTrue();
    }

    private RequestRecord finishedRequest(String requestId, String finisher) {
        repository.create(requestWithImages(requestId, 1));
        completeAllOf(requestId);
        return repository.finishIfDone(requestId, finisher, T0, NOTIFICATION_LEASE).orElseThrow();
    }

    /** A one-image request whose task w1 claimed at T0 and w2 took over when the lease expired. */
    private record Takeover(ClaimedTask stale, ClaimedTask current, Instant at) {
    }

    private Takeover takeOver() {
        repository.create(requestWithImages("req-1", 1));
        ClaimedTask stale = claimOne("w1", T0);
        Instant at = T0.plus(LEASE);
        ClaimedTask current = claimOne("w2", at);
        return new Takeover(stale, current, at);
    }

    private void assertUnchangedAfterTakeover() {
        assertThat(onlyImage("req-1")).extracting(ImageRecord::status, ImageRecord::outputKey, ImageRecord::error,
                ImageRecord::attempts).containsExactly(Status.PROCESSING, null, null, 1);
    }

    /** A task run by each of several threads. */
    @FunctionalInterface
    protected interface WorkerTask<T> {
        /**
         * {@return its result}
         *
         * @param worker the thread's number, from 0
         */
        T run(int worker) throws Exception;
    }

    /**
     * Runs {@code task} on {@code threads} threads released together by a start gate, and
     * returns their results in thread order.
     */
    protected static <T> List<T> runConcurrently(int threads, WorkerTask<T> task) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(threads, ProductRepositoryContract::daemonThread);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int worker = i;
                Callable<T> call = () -> {
                    ready.countDown();
                    start.await();
                    return task.run(worker);
                };
                futures.add(executor.submit(call));
            }
            ready.await();
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(CONCURRENCY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            }
            return results;
        } finally {
            executor.shutdownNow();
        }
    }

    private static Thread daemonThread(Runnable runnable) {
        Thread thread = new Thread(runnable, "contract-worker");
        thread.setDaemon(true);
        return thread;
    }

    /**
     * Builds a {@link NewRequest} the way the engine does: products in input order (row index
     * counted from 0), one task per distinct URL (ids {@code t1}, {@code t2}, ... in order of
     * first appearance) with the output key {@code <requestId>/<taskId>.jpg}. Not thread-safe.
     */
    public static final class NewRequestBuilder {
        private final String requestId;
        private Instant createdAt = T0;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private final List<NewProduct> products = new ArrayList<>();
        private final Map<URI, NewTask> tasks = new LinkedHashMap<>();

        private NewRequestBuilder(String requestId) {
            this.requestId = requestId;
        }

        /**
         * Sets when the request was submitted.
         *
         * @param value when the request was submitted
         * @return this builder
         */
        public NewRequestBuilder createdAt(Instant value) {
            createdAt = value;
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param key an attribute
         * @param value its value
         */
        public NewRequestBuilder metadata(String key, String value) {
            metadata.put(key, value);
            return this;
        }

        /**
         * Adds attributes.
         *
         * @param values attributes to add
         * @return this builder
         */
        public NewRequestBuilder metadata(Map<String, String> values) {
            metadata.putAll(values);
            return this;
        }

        /**
         * Adds the next product.
         *
         * @param serialNumber its {@code S. No.}
         * @param name its name
         * @param urls its image URLs, in cell order
         * @return this builder
         */
        public NewRequestBuilder product(long serialNumber, String name, String... urls) {
            List<NewImage> images = new ArrayList<>();
            for (int i = 0; i < urls.length; i++) {
                URI url = URI.create(urls[i]);
                NewTask task = tasks.computeIfAbsent(url, u -> {
                    String taskId = "t" + (tasks.size() + 1);
                    return new NewTask(taskId, u, requestId + "/" + taskId + ".jpg");
                });
                images.add(new NewImage(i + 1, url, task.taskId()));
            }
            products.add(new NewProduct(products.size(), serialNumber, name, images));
            return this;
        }

        /** {@return the request} */
        public NewRequest build() {
            return new NewRequest(requestId, createdAt, metadata, products, List.copyOf(tasks.values()));
        }
    }
}
