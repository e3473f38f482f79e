package io.imgpipe.mongo;

import static com.mongodb.client.model.Filters.eq;
import static io.imgpipe.mongo.TestRequests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Updates;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import io.imgpipe.RepositoryException;
import io.imgpipe.Status;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.ImageOutput;
import io.imgpipe.spi.Lease;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.ProductRecord;
import io.imgpipe.spi.RequestRecord;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Behaviour specific to the MongoDB repository: schema, indexes, visibility without transactions,
 * claim turns shared through the database, product copies, upgrades from earlier versions.
 */
class MongoRepositoryBehaviourIT {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final Duration CREATION_TIMEOUT = Duration.ofMinutes(10);
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static InJvmMongoServer server;
    private static MongoClient client;

    private final MutableClock clock = new MutableClock(T0);
    private MongoRepositoryConfig config;
    private MongoProductRepository repository;
    private MongoDatabase database;

    @BeforeAll
    static void startServer() {
        server = InJvmMongoServer.start();
        client = server.newClient();
    }

    @AfterAll
    static void stopServer() {
        client.close();
        server.close();
    }

    @BeforeEach
    void openRepository() {
        config = MongoRepositoryConfig.forClient()
                .withDatabase("behaviour" + DATABASES.incrementAndGet())
                .withCollectionPrefix("ip_")
                .withInsertBatchSize(10)
                .withCreationTimeout(CREATION_TIMEOUT)
                .withMaintenanceInterval(Duration.ofMinutes(1));
        repository = MongoProductRepository.builder(config).client(client).clock(clock).build();
        database = client.getDatabase(config.database());
    }

    @AfterEach
    void closeRepository() {
        repository.close();
        database.drop();
    }

    @Test
    void createsAnIndexForEveryQueryAtStart() {
        assertThat(indexKeys(config.tasksCollection()))
                .containsEntry(Schema.REQUEST_CLAIMABLE_INDEX,
                        new Document("requestId", 1).append("fresh", 1).append("availableAt", 1))
                .containsEntry(Schema.REQUEST_STATUS_IMAGES_INDEX,
                        new Document("requestId", 1).append("status", 1).append("imageCount", 1))
                .containsOnlyKeys("_id_", Schema.REQUEST_CLAIMABLE_INDEX, Schema.REQUEST_STATUS_IMAGES_INDEX);
        assertThat(indexKeys(config.requestsCollection()))
                .containsEntry(Schema.OPEN_TURNS_INDEX,
                        new Document("lastServed", 1).append("seq", 1).append("idleUntil", 1))
                .containsEntry(Schema.NEWEST_FIRST_INDEX, new Document("createdAt", -1).append("_id", -1))
                .containsEntry(Schema.STATE_CREATED_INDEX, new Document("state", 1).append("createdAt", 1))
                .containsEntry(Schema.NOTIFICATION_QUEUE_INDEX,
                        new Document("notification.state", 1).append("notification.expiresAt", 1))
                .hasSize(5);
        assertThat(indexKeys(config.productsCollection()))
                .containsEntry(Schema.PRODUCTS_BY_REQUEST_INDEX, new Document("requestId", 1))
                .containsEntry(Schema.PRODUCTS_BY_SERIAL_INDEX,
                        new Document("requestId", 1).append("serialNumber", 1).append("rowIndex", 1))
                .hasSize(3);
    }

    @Test
    void theQueueIndexesHoldOnlyWhatTheirQueriesNeed() {
        assertThat(partialFilter(config.tasksCollection(), Schema.REQUEST_CLAIMABLE_INDEX))
                .isEqualTo(new Document("availableAt", new Document("$exists", true)));
        assertThat(partialFilter(config.requestsCollection(), Schema.OPEN_TURNS_INDEX))
                .isEqualTo(new Document("state", "open"));
    }

    @Test
    void startingAgainOnTheSameDatabaseKeepsTheIndexes() {
        Map<String, Document> before = indexKeys(config.tasksCollection());

        MongoProductRepository.builder(config).client(client).clock(clock).build().close();

        assertThat(indexKeys(config.tasksCollection())).isEqualTo(before);
    }

    @Test
    void storesProductsWithTheOriginalFieldNames() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg", "https://a.example/2.jpg"))));

        Document product = database.getCollection(config.productsCollection()).find(eq("requestId", "r1")).first();

        assertThat(product).containsEntry("requestId", "r1").containsEntry("serialNumber", 1L)
                .containsEntry("productName", "Product 1").containsEntry("status", "pending")
                .containsEntry("rowIndex", 0);
        List<Document> images = product.getList("images", Document.class);
        assertThat(images).extracting(image -> image.getString("url"))
                .containsExactly("https://a.example/1.jpg", "https://a.example/2.jpg");
        assertThat(images.get(0)).containsEntry("compressedUrl", null).containsEntry("status", "pending")
                .containsEntry("taskId", "t1").containsEntry("position", 1);
    }

    @Test
    void requestOutlivesTheRepositoryAndClientThatCreatedIt() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg"))));
        ClaimedTask before = repository.claim("w1", 1, T0, LEASE).get(0);
        repository.close();

        try (MongoClient otherClient = server.newClient();
                MongoProductRepository restarted = MongoProductRepository.builder(config).client(otherClient)
                        .clock(clock).build()) {
            assertThat(restarted.findRequest("r1")).hasValueSatisfying(found ->
                    assertThat(found.progress().processing()).isOne());
            assertThat(restarted.complete(before.lease(), output("https://cdn.example/1.jpg"), T0)).isTrue();
            assertThat(restarted.finishIfDone("r1", "w2", T0, LEASE)).isPresent();
        }
    }

    @Test
    void storesTimesAsBsonDates() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg"))));
        repository.claim("w1", 1, T0, LEASE);

        Document request = database.getCollection(config.requestsCollection()).find(eq("_id", "r1")).first();
        Document task = database.getCollection(config.tasksCollection()).find(eq("requestId", "r1")).first();

        assertThat(request.get("createdAt")).isEqualTo(Date.from(T0));
        assertThat(task.get("lease", Document.class).get("expiresAt")).isEqualTo(Date.from(T0.plus(LEASE)));
    }

    @Test
    void completedImageShowsItsCompressedUrlAndSizesInTheProductDocument() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg"))));
        ClaimedTask task = repository.claim("w1", 1, T0, LEASE).get(0);

        repository.complete(task.lease(), output("https://cdn.example/r1/1-1.jpg"), T0.plusSeconds(1));

        Document product = rawProduct("r1", 0);
        assertThat(product.getString("status")).isEqualTo("completed");
        assertThat(product.getList("images", Document.class).get(0))
                .containsEntry("status", "completed")
                .containsEntry("compressedUrl", "https://cdn.example/r1/1-1.jpg")
                .containsEntry("outputKey", task.outputKey())
                .containsEntry("attempts", 1)
                .containsEntry("sourceBytes", 480_000L).containsEntry("outputBytes", 150_000L)
                .containsEntry("width", 1600).containsEntry("height", 1200);
    }

    @Test
    void claimingWritesNoProductDocument() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg", "https://a.example/2.jpg"))));

        repository.claim("w1", 1, T0, LEASE);

        Document product = rawProduct("r1", 0);
        assertThat(product.getString("status")).isEqualTo("pending");
        assertThat(product.getList("images", Document.class)).extracting(image -> image.getString("status"))
                .containsExactly("pending", "pending");
    }

    @Test
    void productDocumentShowsProcessingOnceOneOfItsImagesHasAnOutcome() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg", "https://a.example/2.jpg"))));
        ClaimedTask first = claimTask("t1");

        repository.complete(first.lease(), output("https://cdn.example/1.jpg"), T0);

        Document product = rawProduct("r1", 0);
        assertThat(product.getString("status")).isEqualTo("processing");
        assertThat(product.getList("images", Document.class)).extracting(image -> image.getString("status"))
                .containsExactly("completed", "pending");
    }

    @Test
    void readsTakeTheStateOfAnUnfinishedImageFromItsTask() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg", "https://a.example/2.jpg"))));
        ClaimedTask first = claimTask("t1");
        repository.retryLater(first.lease(), "HTTP 503", T0.plusSeconds(30));
        claimTask("t2");

        List<ProductRecord> products = new ArrayList<>();
        repository.forEachProduct("r1", products::add);

        assertThat(products.get(0).images()).extracting(image -> image.status(), image -> image.error(),
                image -> image.attempts())
                .containsExactly(tuple(Status.PENDING, "HTTP 503", 1), tuple(Status.PROCESSING, null, 1));
    }

    @Test
    void imageSharedByTwoProductsIsCopiedIntoBoth() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/same.jpg"),
                List.of("https://a.example/same.jpg", "https://a.example/other.jpg"))));
        ClaimedTask shared = claimTask("t1");

        repository.fail(shared.lease(), "HTTP 404 from https://a.example/same.jpg", T0.plusSeconds(1));

        assertThat(rawProduct("r1", 0).getString("status")).isEqualTo("failed");
        assertThat(rawProduct("r1", 1).getString("status")).isEqualTo("processing");
        assertThat(rawProduct("r1", 1).getList("images", Document.class).get(0))
                .containsEntry("status", "failed").containsEntry("error", "HTTP 404 from https://a.example/same.jpg");
    }

    @Test
    void aRepeatedOutcomeCopyChangesNothing() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg"), List.of("https://a.example/2.jpg"))));
        ClaimedTask task = claimTask("t1");
        repository.complete(task.lease(), output("https://cdn.example/1.jpg"), T0);
        Document before = rawProduct("r1", 0);

        new ProductCopies(repository.collections()).recordOutcome(rawTask("r1", "t1"));

        assertThat(rawProduct("r1", 0)).isEqualTo(before);
    }

    @Test
    void finishingRepairsProductCopiesThatLagBehindTheTasks() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg"), List.of("https://a.example/2.jpg"))));
        for (ClaimedTask task : repository.claim("w1", 2, T0, LEASE)) {
            repository.complete(task.lease(), output("https://cdn.example/" + task.lease().taskId()), T0);
        }
        database.getCollection(config.productsCollection()).updateMany(eq("requestId", "r1"), new Document("$set",
                new Document("status", "pending").append("images.0.status", "pending")
                        .append("images.0.compressedUrl", null)));

        assertThat(repository.finishIfDone("r1", "w1", T0.plusSeconds(5), LEASE)).isPresent();

        for (int ordinal = 0; ordinal < 2; ordinal++) {
            Document product = rawProduct("r1", ordinal);
            assertThat(product.getString("status")).isEqualTo("completed");
            assertThat(product.getList("images", Document.class).get(0)).containsEntry("status", "completed")
                    .containsEntry("compressedUrl", "https://cdn.example/t" + (ordinal + 1));
        }
    }

    @Test
    void productCopiesConvergeWhenWorkersEndImagesOfOneProductConcurrently() throws Exception {
        repository.create(TestRequests.large("r1", T0, 20, 6));
        ExecutorService workers = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                String owner = "w" + w;
                done.add(workers.submit(() -> {
                    List<ClaimedTask> claimed;
                    while (!(claimed = repository.claim(owner, 2, T0, LEASE)).isEmpty()) {
                        for (ClaimedTask task : claimed) {
                            if (task.lease().taskId().hashCode() % 5 == 0) {
                                repository.fail(task.lease(), "broken", T0);
                            } else {
                                repository.complete(task.lease(), output("https://cdn.example/" + task.outputKey()), T0);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            workers.shutdownNow();
        }

        List<ProductRecord> products = new ArrayList<>();
        repository.forEachProduct("r1", products::add);
        for (int ordinal = 0; ordinal < 20; ordinal++) {
            Document raw = rawProduct("r1", ordinal);
            ProductRecord product = products.get(ordinal);
            assertThat(raw.getList("images", Document.class)).extracting(image -> image.getString("status"))
                    .containsExactlyElementsOf(product.images().stream().map(i -> i.status().wireName()).toList());
            io.imgpipe.Progress progress = io.imgpipe.Progress.empty();
            for (io.imgpipe.spi.ImageRecord image : product.images()) {
                progress = progress.plus(image.status());
            }
            assertThat(raw.getString("status")).as("status of product %s", ordinal).isEqualTo(Status.of(progress).wireName());
        }
    }

    @Test
    void halfWrittenRequestIsInvisible() {
        NewRequest request = request("r1", T0, List.of(List.of("https://a.example/1.jpg")));
        writeWithoutCommit(request);

        assertThat(repository.findRequest("r1")).isEmpty();
        List<ProductRecord> products = new ArrayList<>();
        repository.forEachProduct("r1", products::add);
        assertThat(products).isEmpty();
        assertThat(repository.claim("w1", 10, T0.plusSeconds(60), LEASE)).isEmpty();
        assertThat(repository.findFinishable(10)).isEmpty();
    }

    @Test
    void housekeepingDeletesACreationAbandonedForLongerThanTheTimeout() {
        writeWithoutCommit(TestRequests.large("r1", T0, 35, 2));
        clock.advance(CREATION_TIMEOUT.plusSeconds(1));

        repository.runHousekeeping();

        assertThat(repository.findRequest("r1")).isEmpty();
        assertThat(countFor(config.productsCollection(), "requestId", "r1")).isZero();
        assertThat(countFor(config.tasksCollection(), "requestId", "r1")).isZero();
        assertThat(countFor(config.requestsCollection(), "_id", "r1")).as("the abandoned marker").isOne();

        clock.advance(CREATION_TIMEOUT.plusSeconds(1));
        repository.runHousekeeping();

        assertThat(countFor(config.requestsCollection(), "_id", "r1")).isZero();
    }

    @Test
    void findFinishableRunsHousekeepingOncePerInterval() {
        writeWithoutCommit(TestRequests.large("r1", T0, 3, 1));
        clock.advance(CREATION_TIMEOUT.plusSeconds(1));

        repository.findFinishable(10);

        assertThat(countFor(config.tasksCollection(), "requestId", "r1")).isZero();
    }

    @Test
    void housekeepingKeepsACreationYoungerThanTheTimeout() {
        writeWithoutCommit(TestRequests.large("r1", T0, 3, 1));
        clock.advance(CREATION_TIMEOUT.minusSeconds(1));

        repository.runHousekeeping();

        assertThat(countFor(config.requestsCollection(), "_id", "r1")).isOne();
        assertThat(countFor(config.tasksCollection(), "requestId", "r1")).isEqualTo(3);
    }

    @Test
    void commitFailsWhenHousekeepingGaveUpTheCreation() {
        NewRequest request = TestRequests.large("r1", T0, 3, 1);
        givenUpAfterWritingItsTasks(request);

        assertThatThrownBy(() -> repository.creator().commit("r1", "token-1"))
                .isInstanceOfSatisfying(RepositoryException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("r1").hasMessageContaining("creationTimeout");
        assertThat(repository.findRequest("r1")).isEmpty();
    }

    @Test
    void failedCreateDeletesWhatItWrote() {
        NewRequest request = TestRequests.large("r1", T0, 45, 2);
        database.getCollection(config.productsCollection()).insertOne(new Document("_id", Ids.product("r1", 25)));

        assertThatThrownBy(() -> repository.create(request))
                .isInstanceOfSatisfying(RepositoryException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("r1");

        assertThat(repository.findRequest("r1")).isEmpty();
        assertThat(countFor(config.productsCollection(), "requestId", "r1")).isZero();
        assertThat(countFor(config.tasksCollection(), "requestId", "r1")).isZero();
        Document marker = database.getCollection(config.requestsCollection()).find(eq("_id", "r1")).first();
        assertThat(marker).isNotNull();
        assertThat(marker.getString("state")).isEqualTo("abandoned");
    }

    @Test
    void housekeepingRemovesTheMarkerOfAFailedCreateAfterTheCreationTimeout() {
        NewRequest request = TestRequests.large("r1", T0, 45, 2);
        database.getCollection(config.productsCollection()).insertOne(new Document("_id", Ids.product("r1", 25)));
        assertThatThrownBy(() -> repository.create(request)).isInstanceOf(RepositoryException.class);

        clock.advance(CREATION_TIMEOUT.minusSeconds(1));
        repository.runHousekeeping();
        assertThat(countFor(config.requestsCollection(), "_id", "r1")).isOne();
        clock.advance(Duration.ofSeconds(2));
        repository.runHousekeeping();

        assertThat(countFor(config.requestsCollection(), "_id", "r1")).isZero();
    }

    @Test
    void creatorGivenUpByHousekeepingStopsBeforeItsNextBatch() {
        NewRequest request = TestRequests.large("r1", T0, 30, 2);
        RequestCreator creator = givenUpAfterWritingItsTasks(request);

        assertThatThrownBy(() -> creator.insertProducts(request, "token-1"))
                .isInstanceOfSatisfying(RepositoryException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("r1").hasMessageContaining("creationTimeout");
        assertThat(countFor(config.productsCollection(), "requestId", "r1")).isZero();
    }

    @Test
    void rowsOfABatchThatLandsAfterTheCreationWasGivenUpAreDeleted() {
        NewRequest request = TestRequests.large("r1", T0, 30, 2);
        givenUpAfterWritingItsTasks(request);
        assertThat(countFor(config.tasksCollection(), "requestId", "r1")).isZero();
        List<Document> lateBatch = new ArrayList<>();
        for (int ordinal = 0; ordinal < 10; ordinal++) {
            lateBatch.add(new Document("_id", Ids.product("r1", ordinal)).append("requestId", "r1"));
        }
        database.getCollection(config.productsCollection()).insertMany(lateBatch);

        for (int run = 0; run < 3; run++) {
            clock.advance(CREATION_TIMEOUT.plusSeconds(1));
            repository.runHousekeeping();
        }

        assertThat(countFor(config.productsCollection(), "requestId", "r1")).isZero();
        assertThat(countFor(config.requestsCollection(), "_id", "r1")).isZero();
    }

    @Test
    void concurrentCompletesOfOneProductFromManyProcessesKeepEveryCopy() throws Exception {
        int images = 24;
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            urls.add("https://a.example/" + i + ".jpg");
        }
        repository.create(request("r1", T0, List.of(urls)));
        List<MongoProductRepository> processes = new ArrayList<>();
        List<ClaimedTask> claims = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(images);
        try {
            for (int i = 0; i < images; i++) {
                MongoProductRepository process = MongoProductRepository.builder(config).client(client).clock(clock).build();
                processes.add(process);
                claims.addAll(process.claim("p" + i, 1, T0, LEASE));
            }
            assertThat(claims).hasSize(images);
            CyclicBarrier start = new CyclicBarrier(images);
            List<Future<Boolean>> done = new ArrayList<>();
            for (int i = 0; i < images; i++) {
                MongoProductRepository process = processes.get(i);
                ClaimedTask task = claims.get(i);
                done.add(pool.submit(() -> {
                    start.await();
                    return process.complete(task.lease(), output("https://cdn.example/" + task.outputKey()), T0);
                }));
            }
            for (Future<Boolean> completed : done) {
                assertThat(completed.get(60, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
            processes.forEach(MongoProductRepository::close);
        }

        Document product = database.getCollection(config.productsCollection()).find(eq("_id", Ids.product("r1", 0))).first();
        assertThat(product.getList("images", Document.class)).allSatisfy(copy -> {
            assertThat(copy.getString("status")).isEqualTo("completed");
            assertThat(copy.getString("compressedUrl")).startsWith("https://cdn.example/");
        });
        assertThat(product.getString("status")).isEqualTo("completed");
    }

    @Test
    void committedRequestIsVisibleButItsTasksWaitForRelease() {
        commitWithoutRelease(request("r1", T0, List.of(List.of("https://a.example/1.jpg"))));

        assertThat(repository.findRequest("r1")).hasValueSatisfying(found -> {
            assertThat(found.status()).isEqualTo(Status.PENDING);
            assertThat(found.progress().pending()).isOne();
        });
        assertThat(repository.claim("w1", 10, T0.plusSeconds(1), LEASE)).isEmpty();
    }

    @Test
    void housekeepingReleasesTheTasksOfARequestLeftCommitted() {
        commitWithoutRelease(request("r1", T0, List.of(List.of("https://a.example/1.jpg", "https://a.example/2.jpg"))));
        clock.advance(Duration.ofMinutes(2));

        repository.runHousekeeping();

        assertThat(repository.claim("w1", 10, T0.plusSeconds(1), LEASE)).hasSize(2);
        assertThat(rawRequest("r1").getString("state")).isEqualTo("open");
    }

    @Test
    void refusesARequestIdThatExists() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg"))));

        assertThatThrownBy(() -> repository.create(request("r1", T0, List.of(List.of("https://a.example/2.jpg")))))
                .isInstanceOfSatisfying(RepositoryException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("r1").hasMessageContaining("exists");
        assertThat(countFor(config.tasksCollection(), "requestId", "r1")).isOne();
    }

    @Test
    void refusesATaskIdContainingASlash() {
        NewRequest request = new NewRequest("r1", T0, Map.of(),
                List.of(new io.imgpipe.spi.NewProduct(0, 1, "P", List.of(
                        new io.imgpipe.spi.NewImage(1, URI.create("https://a.example/1.jpg"), "a/b")))),
                List.of(new io.imgpipe.spi.NewTask("a/b", URI.create("https://a.example/1.jpg"), "r1/1-1.jpg")));

        assertThatThrownBy(() -> repository.create(request)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a/b");
        assertThat(countFor(config.requestsCollection(), "_id", "r1")).isZero();
    }

    @Test
    void requestsNeverServedTakeTurnsInTheOrderTheyWereCreatedWhateverTheirCreatedAt() {
        repository.create(request("first", T0.plusSeconds(60), List.of(List.of("https://a.example/new.jpg"))));
        repository.create(request("second", T0, List.of(List.of("https://a.example/old.jpg"))));

        List<ClaimedTask> claimed = repository.claim("w1", 1, T0.plusSeconds(120), LEASE);

        assertThat(claimed).extracting(task -> task.lease().requestId()).containsExactly("first");
        assertThat(rawRequest("first").getLong("seq")).isLessThan(rawRequest("second").getLong("seq"));
    }

    @Test
    void withinARequestTasksClaimedBeforeGoFirst() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg", "https://a.example/2.jpg",
                "https://a.example/3.jpg"))));
        ClaimedTask retried = repository.claim("w1", 1, T0, LEASE).get(0);
        repository.retryLater(retried.lease(), "HTTP 503", T0.plusSeconds(1));

        List<ClaimedTask> claimed = repository.claim("w2", 1, T0.plusSeconds(1), LEASE);

        assertThat(claimed).extracting(task -> task.lease().taskId()).containsExactly(retried.lease().taskId());
        assertThat(rawTask("r1", "t3")).containsEntry("fresh", true).containsEntry("availableAt", new Date(0));
    }

    @Test
    void aClaimThatTakesATaskMovesItsRequestToTheBackOfTheTurns() {
        repository.create(request("a", T0, List.of(List.of("https://a.example/1.jpg"))));
        repository.create(request("b", T0, List.of(List.of("https://a.example/2.jpg"))));

        repository.claim("w1", 1, T0, LEASE);

        assertThat(rawRequest("a").getLong("lastServed")).isGreaterThan(rawRequest("b").getLong("seq"));
        assertThat(rawRequest("b").getLong("lastServed")).isZero();
    }

    @Test
    void repositoriesOfSeveralProcessesShareTheTurns() {
        repository.create(request("a", T0, List.of(List.of("https://a.example/1.jpg", "https://a.example/2.jpg"))));
        repository.create(request("b", T0, List.of(List.of("https://a.example/3.jpg", "https://a.example/4.jpg"))));
        try (MongoClient otherClient = server.newClient();
                MongoProductRepository other = MongoProductRepository.builder(config).client(otherClient).clock(clock)
                        .build()) {
            List<String> served = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                MongoProductRepository process = i % 2 == 0 ? repository : other;
                served.add(process.claim("p" + i % 2, 1, T0, LEASE).get(0).lease().requestId());
            }

            assertThat(served).containsExactly("a", "b", "a", "b");
        }
    }

    @Test
    void aRequestWithNothingClaimableIsSkippedUntilItsEarliestTaskIsDue() {
        repository.create(request("busy", T0, List.of(List.of("https://a.example/1.jpg"))));
        repository.claim("w1", 1, T0, LEASE);
        repository.create(request("other", T0, List.of(List.of("https://a.example/2.jpg"))));
        repository.claim("w1", 1, T0, LEASE);

        assertThat(repository.claim("w1", 1, T0.plusSeconds(1), LEASE)).isEmpty();

        assertThat(rawRequest("busy").getDate("idleUntil")).isEqualTo(Date.from(T0.plus(LEASE)));
        assertThat(repository.claim("w2", 1, T0.plus(LEASE), LEASE))
                .singleElement().satisfies(task -> assertThat(task.lease().requestId()).isEqualTo("busy"));
    }

    @Test
    void aTaskRetriedEarlierThanItsRequestsIdleTimeIsClaimableWhenDue() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg", "https://a.example/2.jpg"))));
        List<ClaimedTask> both = repository.claim("w1", 2, T0, LEASE);
        assertThat(repository.claim("w1", 1, T0, LEASE)).isEmpty();
        assertThat(rawRequest("r1").getDate("idleUntil")).isEqualTo(Date.from(T0.plus(LEASE)));

        repository.retryLater(both.get(0).lease(), "HTTP 503", T0.plusSeconds(1));

        assertThat(repository.claim("w2", 1, T0.plusSeconds(1), LEASE)).singleElement()
                .satisfies(task -> assertThat(task.lease().taskId()).isEqualTo(both.get(0).lease().taskId()));
    }

    @Test
    void anIdleTimeComputedBeforeARetryIsNotRecorded() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg"))));
        ClaimedTask task = repository.claim("w1", 1, T0, LEASE).get(0);
        Object versionAsAClaimReadIt = rawRequest("r1").get("idleVersion");
        repository.retryLater(task.lease(), "HTTP 503", T0.plusSeconds(1));

        new Turns(repository.collections()).idle("r1", versionAsAClaimReadIt, Date.from(T0.plus(LEASE)));

        assertThat(rawRequest("r1").getDate("idleUntil")).isBeforeOrEqualTo(Date.from(T0.plusSeconds(1)));
        assertThat(repository.claim("w2", 1, T0.plusSeconds(1), LEASE)).hasSize(1);
    }

    @Test
    void requestDocumentShowsProcessingOnceATaskIsClaimed() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg"))));
        assertThat(rawRequest("r1").getString("status")).isEqualTo("pending");

        repository.claim("w1", 1, T0, LEASE);

        assertThat(rawRequest("r1").getString("status")).isEqualTo("processing");
    }

    @Test
    void finishedRequestDocumentRecordsItsOutcome() {
        repository.create(request("r1", T0, Map.of("webhookUrl", "https://hooks.example/done"),
                List.of(List.of("https://a.example/1.jpg"))));
        ClaimedTask task = repository.claim("w1", 1, T0, LEASE).get(0);
        repository.complete(task.lease(), output("https://cdn.example/1.jpg"), T0.plusSeconds(1));

        RequestRecord finished = repository.finishIfDone("r1", "w1", T0.plusSeconds(2), LEASE).orElseThrow();

        assertThat(finished.metadata()).containsEntry("webhookUrl", "https://hooks.example/done");
        Document raw = rawRequest("r1");
        assertThat(raw).containsEntry("state", "finished").containsEntry("status", "completed")
                .containsEntry("finishedAt", Date.from(T0.plusSeconds(2)));
        assertThat(raw.get("progress", Document.class)).containsEntry("completed", 1).containsEntry("total", 1);
        assertThat(raw.get("notification", Document.class)).containsEntry("state", "open").containsEntry("owner", "w1");
    }

    @Test
    void progressCountsEveryImageOfASharedTask() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/same.jpg"),
                List.of("https://a.example/same.jpg"), List.of("https://a.example/other.jpg"))));
        ClaimedTask shared = claimTask("t1");

        repository.complete(shared.lease(), output("https://cdn.example/same.jpg"), T0.plusSeconds(1));

        assertThat(repository.findRequest("r1").orElseThrow().progress())
                .isEqualTo(new io.imgpipe.Progress(3, 1, 0, 2, 0));
    }

    @Test
    void taskListsTheOrdinalsOfTheProductsThatUseIt() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/same.jpg"),
                List.of("https://a.example/same.jpg", "https://a.example/other.jpg"))));

        assertThat(rawTask("r1", "t1").getList("productOrdinals", Integer.class)).containsExactly(0, 1);
        assertThat(rawTask("r1", "t2").getList("productOrdinals", Integer.class)).containsExactly(1);
    }

    @Test
    void copiesOfATaskWrittenWithoutItsProductOrdinalsAreRepairedWhenTheRequestFinishes() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg"))));
        database.getCollection(config.tasksCollection()).updateMany(eq("requestId", "r1"),
                new Document("$unset", new Document("productOrdinals", "")));
        ClaimedTask task = repository.claim("w1", 1, T0, LEASE).get(0);
        repository.complete(task.lease(), output("https://cdn.example/1.jpg"), T0);
        assertThat(rawProduct("r1", 0).getString("status")).isEqualTo("pending");

        repository.finishIfDone("r1", "w1", T0, LEASE);

        assertThat(rawProduct("r1", 0).getString("status")).isEqualTo("completed");
        assertThat(rawProduct("r1", 0).getList("images", Document.class).get(0))
                .containsEntry("compressedUrl", "https://cdn.example/1.jpg");
    }

    @Test
    void aLeaseTokenOfAnEarlierVersionStillFencesItsTask() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg"))));
        ClaimedTask claimed = repository.claim("w1", 1, T0, LEASE).get(0);
        String earlierToken = "r1/t1#" + UUID.randomUUID();
        database.getCollection(config.tasksCollection()).updateOne(eq("_id", "r1/t1"),
                new Document("$set", new Document("lease.token", earlierToken)));
        Lease current = new Lease("r1", "t1", "w1", earlierToken, claimed.lease().expiresAt());

        assertThat(repository.complete(claimed.lease(), output("https://cdn.example/1.jpg"), T0)).isFalse();
        assertThat(repository.complete(current, output("https://cdn.example/1.jpg"), T0)).isTrue();
    }

    @Test
    void aRequestCreatedAfterAnotherWasServedGoesFirst() {
        repository.create(request("served", T0.plusSeconds(60), List.of(List.of("https://a.example/n1.jpg",
                "https://a.example/n2.jpg"))));
        repository.claim("w1", 1, T0.plusSeconds(120), LEASE);
        repository.create(request("new", T0, List.of(List.of("https://a.example/old.jpg"))));

        List<ClaimedTask> claimed = repository.claim("w1", 1, T0.plusSeconds(120), LEASE);

        assertThat(claimed).extracting(task -> task.lease().requestId()).containsExactly("new");
    }

    @Test
    void finishIfDoneOfARequestWithATaskLeftSendsOneQuery() {
        AtomicInteger commands = new AtomicInteger();
        try (MongoClient counted = countingClient(commands);
             MongoProductRepository counting = MongoProductRepository.builder(config).client(counted).clock(clock).build()) {
            counting.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg", "https://a.example/2.jpg"))));
            List<ClaimedTask> claimed = counting.claim("w1", 2, T0, LEASE);
            counting.complete(claimed.get(0).lease(), output("https://cdn.example/1.jpg"), T0);
            commands.set(0);

            assertThat(counting.finishIfDone("r1", "w1", T0, LEASE)).isEmpty();
            assertThat(commands).hasValue(1);

            counting.complete(claimed.get(1).lease(), output("https://cdn.example/2.jpg"), T0);
            assertThat(counting.finishIfDone("r1", "w1", T0, LEASE)).isPresent();
        }
    }

    @Test
    void aPageOfRequestsCountsItsUnfinishedRequestsWithOneAggregation() {
        finishOneImageRequest("done");
        for (int i = 0; i < 5; i++) {
            repository.create(request("r" + i, T0.plusSeconds(i), List.of(List.of("https://a.example/" + i + ".jpg"))));
        }
        List<String> commandNames = new ArrayList<>();
        try (MongoClient counted = commandRecordingClient(commandNames);
             MongoProductRepository counting = MongoProductRepository.builder(config).client(counted).clock(clock).build()) {
            commandNames.clear();

            List<RequestRecord> page = counting.listRequests(10, null);

            assertThat(page).hasSize(6);
            assertThat(commandNames).containsExactly("find", "aggregate");
        }
    }

    @Test
    void anOpenRequestOfAnEarlierVersionTakesItsTurnAfterAnUpgrade() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg"))));
        database.getCollection(config.requestsCollection()).updateOne(eq("_id", "r1"), new Document("$unset",
                new Document("seq", "").append("lastServed", "").append("idleUntil", "").append("idleVersion", "")));
        database.getCollection(config.tasksCollection()).updateOne(eq("_id", "r1/t1"), new Document("$unset",
                new Document("fresh", "").append("claims", "").append("releases", ""))
                .append("$set", new Document("attempts", 1).append("claimToken", "c-1").append("version", 3L)));
        assertThat(repository.claim("w1", 1, T0, LEASE)).isEmpty();

        try (MongoProductRepository upgraded = MongoProductRepository.builder(config).client(client).clock(clock)
                .build()) {
            assertThat(upgraded.claim("w1", 1, T0, LEASE)).singleElement()
                    .satisfies(task -> assertThat(task).extracting(ClaimedTask::attempt, ClaimedTask::abandoned)
                            .containsExactly(2, 0));
        }
    }

    @Test
    void finishIfDoneFinishesARequestWhoseLeaseHeldHereExpiredAndWasCompletedElsewhere() {
        repository.create(request("r1", T0, List.of(List.of("https://a.example/1.jpg"))));
        repository.claim("w1", 1, T0, LEASE);
        Instant expired = T0.plus(LEASE).plusSeconds(1);
        try (MongoProductRepository other = MongoProductRepository.builder(config).client(client).clock(clock).build()) {
            ClaimedTask takenOver = other.claim("w2", 1, expired, LEASE).get(0);
            other.complete(takenOver.lease(), output("https://cdn.example/1.jpg"), expired);
        }

        assertThat(repository.finishIfDone("r1", "w1", expired, LEASE)).isPresent();
    }

    @Test
    void dropsTheIndexesThatEarlierVersionsCreated() {
        MongoRepositoryConfig old = config.withDatabase(config.database() + "_old");
        MongoDatabase oldDatabase = client.getDatabase(old.database());
        try {
            oldDatabase.getCollection(old.productsCollection()).createIndex(
                    new Document("requestId", 1).append("images.taskId", 1),
                    new com.mongodb.client.model.IndexOptions().name("request_image_task"));
            oldDatabase.getCollection(old.tasksCollection()).createIndex(new Document("claimToken", 1),
                    new com.mongodb.client.model.IndexOptions().name("claim_token").unique(true).sparse(true));
            oldDatabase.getCollection(old.tasksCollection()).createIndex(
                    new Document("status", 1).append("queuedAt", 1).append("availableAt", 1),
                    new com.mongodb.client.model.IndexOptions().name("claim_queue"));

            MongoProductRepository.builder(old).client(client).clock(clock).build().close();

            assertThat(indexNames(oldDatabase, old.productsCollection())).doesNotContain("request_image_task")
                    .contains(Schema.PRODUCTS_BY_REQUEST_INDEX);
            assertThat(indexNames(oldDatabase, old.tasksCollection())).doesNotContain("claim_token", "claim_queue")
                    .contains(Schema.REQUEST_CLAIMABLE_INDEX);
        } finally {
            oldDatabase.drop();
        }
    }

    @Test
    void deletingMarksTheRequestAbandonedAndHousekeepingRemovesTheMarkerLater() {
        finishOneImageRequest("r1");

        assertThat(repository.deleteRequest("r1")).isTrue();

        Document marker = database.getCollection(config.requestsCollection()).find(eq("_id", "r1")).first();
        assertThat(marker.getString("state")).isEqualTo("abandoned");
        assertThat(marker.get("notification")).isNull();
        assertThat(countFor(config.tasksCollection(), "requestId", "r1")).isZero();
        assertThat(countFor(config.productsCollection(), "requestId", "r1")).isZero();
        clock.advance(CREATION_TIMEOUT.plusSeconds(1));
        repository.runHousekeeping();
        assertThat(countFor(config.requestsCollection(), "_id", "r1")).isZero();
    }

    @Test
    void housekeepingFinishesADeletionWhoseProcessDiedAfterMarkingIt() {
        finishOneImageRequest("r1");
        database.getCollection(config.requestsCollection()).updateOne(eq("_id", "r1"),
                Updates.combine(RequestCreator.abandon(clock.instant()),
                        Updates.unset("notification")));

        assertThat(repository.findRequest("r1")).isEmpty();
        repository.runHousekeeping();

        assertThat(countFor(config.tasksCollection(), "requestId", "r1")).isZero();
        assertThat(countFor(config.productsCollection(), "requestId", "r1")).isZero();
    }

    private static ImageOutput output(String url) {
        return new ImageOutput(URI.create(url), 480_000, 150_000, 1600, 1200);
    }

    private Document partialFilter(String collection, String indexName) {
        for (Document index : database.getCollection(collection).listIndexes()) {
            if (indexName.equals(index.getString("name"))) {
                return index.get("partialFilterExpression", Document.class);
            }
        }
        throw new AssertionError("no index " + indexName + " on " + collection);
    }

    private void finishOneImageRequest(String requestId) {
        repository.create(request(requestId, T0, List.of(List.of("https://a.example/1.jpg"))));
        ClaimedTask task = repository.claim("w1", 1, T0, LEASE).get(0);
        assertThat(repository.complete(task.lease(), output("https://cdn.example/1.jpg"), T0)).isTrue();
        assertThat(repository.finishIfDone(requestId, "w1", T0, LEASE)).isPresent();
    }

    private ClaimedTask claimTask(String taskId) {
        List<ClaimedTask> claimed = repository.claim("w1", 10, T0, LEASE);
        ClaimedTask wanted = null;
        for (ClaimedTask task : claimed) {
            if (task.lease().taskId().equals(taskId)) {
                wanted = task;
            } else {
                repository.release(task.lease(), T0);
            }
        }
        assertThat(wanted).as("claimed task %s", taskId).isNotNull();
        return wanted;
    }

    /** Begins the request as creator "token-1", writes its tasks, and lets housekeeping give it up. */
    private RequestCreator givenUpAfterWritingItsTasks(NewRequest request) {
        RequestCreator creator = repository.creator();
        creator.begin(request, "token-1");
        creator.insertTasks(request, "token-1");
        clock.advance(CREATION_TIMEOUT.plusSeconds(1));
        repository.runHousekeeping();
        return creator;
    }

    private void writeWithoutCommit(NewRequest request) {
        RequestCreator creator = repository.creator();
        String token = UUID.randomUUID().toString();
        creator.begin(request, token);
        creator.insertTasks(request, token);
        creator.insertProducts(request, token);
    }

    private void commitWithoutRelease(NewRequest request) {
        RequestCreator creator = repository.creator();
        creator.begin(request, "token-1");
        creator.insertTasks(request, "token-1");
        creator.insertProducts(request, "token-1");
        creator.commit(request.requestId(), "token-1");
    }

    private Map<String, Document> indexKeys(String collection) {
        Map<String, Document> keys = new HashMap<>();
        for (Document index : database.getCollection(collection).listIndexes()) {
            keys.put(index.getString("name"), index.get("key", Document.class));
        }
        return keys;
    }

    /** A client on the test server that records the names of the commands it sends. */
    private static MongoClient commandRecordingClient(List<String> names) {
        return MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(server.connectionString()))
                .addCommandListener(new CommandListener() {
                    @Override
                    public void commandStarted(CommandStartedEvent event) {
                        synchronized (names) {
                            names.add(event.getCommandName());
                        }
                    }
                }).build());
    }

    /** A client on the test server that counts the commands it sends. */
    private static MongoClient countingClient(AtomicInteger commands) {
        return MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(server.connectionString()))
                .addCommandListener(new CommandListener() {
                    @Override
                    public void commandStarted(CommandStartedEvent event) {
                        commands.incrementAndGet();
                    }
                }).build());
    }

    private static List<String> indexNames(MongoDatabase database, String collection) {
        List<String> names = new ArrayList<>();
        for (Document index : database.getCollection(collection).listIndexes()) {
            names.add(index.getString("name"));
        }
        return names;
    }

    private long countFor(String collection, String field, String value) {
        return database.getCollection(collection).countDocuments(eq(field, value));
    }

    private Document rawProduct(String requestId, int ordinal) {
        return database.getCollection(config.productsCollection()).find(eq("_id", Ids.product(requestId, ordinal))).first();
    }

    private Document rawTask(String requestId, String taskId) {
        return database.getCollection(config.tasksCollection()).find(eq("_id", Ids.task(requestId, taskId))).first();
    }

    private Document rawRequest(String requestId) {
        return database.getCollection(config.requestsCollection()).find(eq("_id", requestId)).first();
    }
}
