package io.imgpipe.mongo;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.imgpipe.ProcessingEngine;
import io.imgpipe.local.FileSystemObjectStore;
import io.imgpipe.local.FileSystemStoreConfig;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.ImageOutput;
import io.imgpipe.spi.NewProduct;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.NewTask;
import java.io.InputStream;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Prints how fast the repository creates a large request and how fast concurrent workers drain
 * a queue of tasks. A program, not a test: it asserts nothing and is not run by the build.
 *
 * <p>It runs against mongo-java-server (memory backend) in this JVM unless {@code -Dmemory=false},
 * and, when {@code -Dmongo.uri=...} is given, against that server too (in fresh databases it drops
 * afterwards). mongo-java-server keeps no secondary index, so its figures measure the collection
 * scans it does for every query not on {@code _id} alone, not the repository's indexed queries.
 * For each:
 * <ol>
 *   <li>submit: a CSV of the same size as the create step's request, written to a temporary file
 *       and submitted through {@link ProcessingEngine#submit} (parsing, validation, planning and
 *       create, as an upload does); prints rows/s;
 *   <li>create: one request of {@code -Drows} products (default 100,000) with 3 distinct image URLs
 *       each, built as the engine builds it (one task per distinct URL, output key {@code <requestId>/<serial>-<position>.jpg});
 *       prints rows/s, then the time of one {@code findRequest} (progress counted over all its tasks);
 *   <li>claim: a request of {@code -Dclaim.rows} products (3 tasks each) in a fresh database is
 *       drained by {@code -Dthreads} threads (default 8), each looping claim (batches of
 *       {@code -Dbatch}, default 8) and complete until nothing is left; prints claims/s (claim +
 *       complete). Default {@code claim.rows}: {@code rows} on a real server, 1,000 on
 *       mongo-java-server, which scans whole collections for every query not on {@code _id} alone;
 *   <li>claim among finished work: the same drain of {@code -Dbusy.claim.rows} products (default
 *       300) in a database that already holds {@code -Dfinished.tasks} (default 30,000) finished
 *       tasks of earlier requests (requests of 1,000 products with 3 images each, created through
 *       the repository, then marked finished directly in the collections), as a long-running
 *       server has; then once more with a {@code finishIfDone} after each complete, as the engine
 *       calls it after every image;
 *   <li>list: {@code -Dlist.requests} (default 50) unfinished requests of {@code -Dlist.rows}
 *       products (default 200, 3 tasks each), a few of their tasks claimed; prints the median time
 *       of 5 {@code listRequests} of one page of all of them (their progress counted from their
 *       tasks).
 * </ol>
 *
 * <pre>
 * mvn -B -q -o -pl store-mongo -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/imgpipe-mongo-bench.cp -Dmdep.includeScope=test
 * java -cp store-mongo/target/test-classes:store-mongo/target/classes:$(cat /tmp/imgpipe-mongo-bench.cp) \
 *     io.imgpipe.mongo.MongoRepositoryBenchmark        # -Dmongo.uri=mongodb://host:27017 adds a real server
 * </pre>
 */
public final class MongoRepositoryBenchmark {

    private static final int IMAGES_PER_ROW = 3;
    private static final int ROWS_PER_FINISHED_REQUEST = 1_000;
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final long SOURCE_BYTES = 480_000;
    private static final long OUTPUT_BYTES = 150_000;
    private static final int WIDTH = 1600;
    private static final int HEIGHT = 1200;

    private MongoRepositoryBenchmark() {
    }

    /** @param args ignored; settings are system properties (see the class comment) */
    public static void main(String[] args) throws Exception {
        int rows = Integer.getInteger("rows", 100_000);
        Settings settings = new Settings(Integer.getInteger("threads", 8), Integer.getInteger("batch", 8),
                Integer.getInteger("busy.claim.rows", 300), Integer.getInteger("finished.tasks", 30_000),
                Integer.getInteger("list.requests", 50), Integer.getInteger("list.rows", 200));
        if (Boolean.parseBoolean(System.getProperty("memory", "true"))) {
            try (InJvmMongoServer server = InJvmMongoServer.start(); MongoClient client = server.newClient()) {
                run("mongo-java-server 1.47, memory backend (in this JVM)", client, rows,
                        Integer.getInteger("claim.rows", 1_000), settings);
            }
        }
        String uri = System.getProperty("mongo.uri");
        if (uri != null && !uri.isBlank()) {
            try (MongoClient client = MongoClients.create(uri)) {
                run(uri, client, rows, Integer.getInteger("claim.rows", rows), settings);
            }
        }
    }

    private record Settings(int threads, int batch, int busyClaimRows, int finishedTasks, int listRequests,
            int listRows) {
    }

    private static void run(String target, MongoClient client, int rows, int claimRows, Settings settings)
            throws Exception {
        System.out.println();
        System.out.println("== " + target);
        submitCsv(client, rows);
        createAndFind(client, rows);
        claimAndComplete(client, claimRows, 0, false, settings);
        if (settings.finishedTasks() > 0) {
            claimAndComplete(client, settings.busyClaimRows(), settings.finishedTasks(), false, settings);
            claimAndComplete(client, settings.busyClaimRows(), settings.finishedTasks(), true, settings);
        }
        if (settings.listRequests() > 0) {
            listPage(client, settings.listRequests(), settings.listRows());
        }
    }

    /** Times {@code listRequests} of one page holding every one of {@code requests} unfinished requests. */
    private static void listPage(MongoClient client, int requests, int rows) {
        String database = freshDatabaseName();
        try (MongoProductRepository repository = open(client, database)) {
            Instant now = Instant.now();
            for (int i = 0; i < requests; i++) {
                repository.create(TestRequests.large("list-" + i, now.plusMillis(i), rows, IMAGES_PER_ROW));
            }
            repository.claim("bench", 2 * requests, now, LEASE);
            List<Double> times = new ArrayList<>();
            for (int run = 0; run < 5; run++) {
                long start = System.nanoTime();
                repository.listRequests(requests, null);
                times.add(seconds(start));
            }
            times.sort(null);
            System.out.println(String.format(Locale.ROOT,
                    "listRequests: one page of %d unfinished requests (%,d tasks in all): median of 5 = %.3f s",
                    requests, requests * rows * IMAGES_PER_ROW, times.get(2)));
        } finally {
            client.getDatabase(database).drop();
        }
    }

    /**
     * Writes a CSV of {@code rows} products with 3 distinct image URLs each to a temporary file and
     * submits it through an engine on the repository (not started, so nothing is claimed): CSV
     * parsing and validation, planning and the repository's create, as an upload does.
     */
    private static void submitCsv(MongoClient client, int rows) throws Exception {
        Path dir = Files.createTempDirectory("imgpipe-bench-csv");
        Path csv = dir.resolve("products.csv");
        try (Writer out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            out.write("S. No.,Product Name,Input Image Urls\n");
            for (int row = 1; row <= rows; row++) {
                out.write(row + ",Product " + row + ",\"");
                for (int image = 1; image <= IMAGES_PER_ROW; image++) {
                    out.write((image > 1 ? "," : "") + "https://images.example.com/catalog/" + row + "/photo-" + image
                            + ".jpg");
                }
                out.write("\"\n");
            }
        }
        String database = freshDatabaseName();
        try (MongoProductRepository repository = open(client, database);
                ProcessingEngine engine = ProcessingEngine.builder()
                        .repository(repository)
                        .objectStore(new FileSystemObjectStore(new FileSystemStoreConfig(dir.resolve("out"),
                                URI.create("https://cdn.example.com/"))))
                        .build();
                InputStream in = Files.newInputStream(csv)) {
            long start = System.nanoTime();
            engine.submit(in);
            double seconds = seconds(start);
            System.out.println(String.format(Locale.ROOT,
                    "submit CSV: %,d rows (%.1f MB, %,d image URLs) through ProcessingEngine.submit in %.2f s = %,.0f rows/s",
                    rows, Files.size(csv) / 1e6, rows * IMAGES_PER_ROW, seconds, rows / seconds));
        } finally {
            client.getDatabase(database).drop();
            Files.deleteIfExists(csv);
            Files.deleteIfExists(dir.resolve("out"));
            Files.deleteIfExists(dir);
        }
    }

    private static void createAndFind(MongoClient client, int rows) {
        NewRequest request = TestRequests.large("bench", Instant.now(), rows, IMAGES_PER_ROW);
        String database = freshDatabaseName();
        try (MongoProductRepository repository = open(client, database)) {
            long start = System.nanoTime();
            repository.create(request);
            double seconds = seconds(start);
            System.out.println(String.format(Locale.ROOT,
                    "create: %,d rows (%,d images, %,d tasks) in %.2f s = %,.0f rows/s",
                    rows, request.imageCount(), request.tasks().size(), seconds, rows / seconds));

            start = System.nanoTime();
            repository.findRequest("bench").orElseThrow();
            System.out.println(String.format(Locale.ROOT, "findRequest of that request: %.2f s", seconds(start)));
        } finally {
            client.getDatabase(database).drop();
        }
    }

    private static void claimAndComplete(MongoClient client, int rows, int finishedTasks, boolean finishEach,
            Settings settings) throws Exception {
        String database = freshDatabaseName();
        ExecutorService executor = Executors.newFixedThreadPool(settings.threads());
        try (MongoProductRepository repository = open(client, database)) {
            Instant now = Instant.now();
            int finished = storeFinishedRequests(repository, finishedTasks, now.minus(Duration.ofHours(1)));
            NewRequest request = TestRequests.large("drain", now, rows, IMAGES_PER_ROW);
            repository.create(request);
            List<Future<Integer>> workers = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < settings.threads(); i++) {
                String owner = "bench-" + i;
                workers.add(executor.submit(() -> drain(repository, owner, settings.batch(), finishEach)));
            }
            int total = 0;
            for (Future<Integer> worker : workers) {
                total += worker.get();
            }
            double seconds = seconds(start);
            System.out.println(String.format(Locale.ROOT,
                    "claim+complete%s%s: drained %,d tasks with %d threads (batches of %d) in %.2f s = %,.0f claims/s",
                    finishEach ? "+finishIfDone" : "",
                    finished == 0 ? "" : String.format(Locale.ROOT, " among %,d finished tasks", finished),
                    total, settings.threads(), settings.batch(), seconds, total / seconds));
        } finally {
            executor.shutdownNow();
            client.getDatabase(database).drop();
        }
    }

    /**
     * Creates requests through the repository until they hold {@code tasks} tasks, then marks
     * them finished directly in the collections, as the repository would have left them.
     *
     * @return how many finished tasks were stored
     */
    private static int storeFinishedRequests(MongoProductRepository repository, int tasks, Instant createdAt) {
        MongoCollections collections = repository.collections();
        int stored = 0;
        for (int i = 0; stored < tasks; i++) {
            int rows = Math.min(ROWS_PER_FINISHED_REQUEST, (tasks - stored + IMAGES_PER_ROW - 1) / IMAGES_PER_ROW);
            String requestId = "finished-" + i;
            NewRequest request = TestRequests.large(requestId, createdAt.plusSeconds(i), rows, IMAGES_PER_ROW);
            repository.create(request);
            Date finishedAt = Date.from(createdAt.plusSeconds(600 + i));
            List<WriteModel<Document>> taskWrites = new ArrayList<>();
            for (NewTask task : request.tasks()) {
                taskWrites.add(new UpdateOneModel<>(eq(Schema.ID, Ids.task(requestId, task.taskId())), Updates.combine(
                        outcome(task).entrySet().stream()
                                .map(field -> Updates.set(field.getKey(), field.getValue())).toList())));
                taskWrites.add(new UpdateOneModel<>(eq(Schema.ID, Ids.task(requestId, task.taskId())), Updates.combine(
                        Updates.set(Schema.Tasks.CLAIMS, 1), Updates.set(Schema.FINISHED_AT, finishedAt),
                        Updates.unset(Schema.Tasks.AVAILABLE_AT), Updates.unset(Schema.Tasks.FRESH))));
            }
            collections.tasks().bulkWrite(taskWrites, new BulkWriteOptions().ordered(false));
            List<WriteModel<Document>> productWrites = new ArrayList<>();
            for (int ordinal = 0; ordinal < rows; ordinal++) {
                NewProduct product = request.products().get(ordinal);
                List<Bson> fields = new ArrayList<>(List.of(Updates.set(Schema.STATUS, Schema.COMPLETED)));
                for (int image = 0; image < product.images().size(); image++) {
                    String key = requestId + "/" + product.serialNumber() + "-" + (image + 1) + ".jpg";
                    String prefix = "images." + image + ".";
                    outcome(new NewTask("t", URI.create("https://x.example/"), key))
                            .forEach((field, value) -> fields.add(Updates.set(prefix + field, value)));
                }
                productWrites.add(new UpdateOneModel<>(eq(Schema.ID, Ids.product(requestId, ordinal)),
                        Updates.combine(fields)));
            }
            collections.products().bulkWrite(productWrites, new BulkWriteOptions().ordered(false));
            collections.requests().updateOne(eq(Schema.ID, requestId), Updates.combine(
                    Updates.set(Schema.Requests.STATE, Schema.Requests.FINISHED),
                    Updates.set(Schema.STATUS, Schema.COMPLETED), Updates.set(Schema.FINISHED_AT, finishedAt),
                    Updates.set(Schema.Requests.PROGRESS, new Document("total", request.imageCount())
                            .append(Schema.PENDING, 0).append(Schema.PROCESSING, 0)
                            .append(Schema.COMPLETED, request.imageCount()).append(Schema.FAILED, 0)),
                    Updates.set(Schema.Requests.NOTIFICATION, new Document("state", Schema.Requests.NOTIFICATION_SENT)
                            .append("owner", "bench").append("expiresAt", finishedAt).append("openedAt", finishedAt)
                            .append("deliveries", 1).append("sentAt", finishedAt))));
            stored += request.tasks().size();
        }
        return stored;
    }

    /** @return the fields of a task, or of its image copies, completed as the benchmark's drain completes them */
    private static Document outcome(NewTask task) {
        return ProductCopies.outcome(new Document(Schema.STATUS, Schema.COMPLETED).append(Schema.ATTEMPTS, 1)
                .append(Schema.OUTPUT_KEY, task.outputKey())
                .append(Schema.COMPRESSED_URL, "https://cdn.example.com/" + task.outputKey())
                .append(Schema.SOURCE_BYTES, SOURCE_BYTES).append(Schema.OUTPUT_BYTES, OUTPUT_BYTES)
                .append(Schema.WIDTH, WIDTH).append(Schema.HEIGHT, HEIGHT));
    }

    private static MongoProductRepository open(MongoClient client, String database) {
        return MongoProductRepository.builder(MongoRepositoryConfig.forClient().withDatabase(database))
                .client(client).build();
    }

    private static String freshDatabaseName() {
        return "imgpipe_bench_" + Long.toHexString(System.nanoTime());
    }

    private static int drain(MongoProductRepository repository, String owner, int batch, boolean finishEach) {
        int mine = 0;
        while (true) {
            Instant now = Instant.now();
            List<ClaimedTask> claimed = repository.claim(owner, batch, now, LEASE);
            if (claimed.isEmpty()) {
                return mine;
            }
            for (ClaimedTask task : claimed) {
                ImageOutput output = new ImageOutput(URI.create("https://cdn.example.com/" + task.outputKey()),
                        SOURCE_BYTES, OUTPUT_BYTES, WIDTH, HEIGHT);
                if (repository.complete(task.lease(), output, now) && finishEach) {
                    repository.finishIfDone(task.lease().requestId(), owner, now, LEASE);
                }
                mine++;
            }
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
