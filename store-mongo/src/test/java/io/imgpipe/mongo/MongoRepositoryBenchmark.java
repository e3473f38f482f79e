package io.imgpipe.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.NewRequest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Prints how fast the repository creates a large request and how fast concurrent workers drain
 * a queue of tasks. A program, not a test: it asserts nothing and is not run by the build.
 *
 * <p>It runs against mongo-java-server in this JVM and, when {@code -Dmongo.uri=...} is given,
 * against that server too (in fresh databases it drops afterwards). For each:
 * <ol>
 *   <li>create: one request of {@code -Drows} products (default 100,000) with 3 distinct image URLs
 *       each, built as the engine builds it (one task per distinct URL, output key
 *       {@code <requestId>/<serial>-<position>.jpg}); prints rows/s, then the time of one
 *       {@code findRequest} (progress counted over all its tasks);
 *   <li>claim: a request of {@code -Dclaim.rows} products (3 tasks each) in a fresh database is
 *       drained by {@code -Dthreads} threads (default 8), each looping claim (batches of
 *       {@code -Dbatch}, default 8) and complete until nothing is left; prints claims/s (claim +
 *       complete). Default {@code claim.rows}: {@code rows} on a real server, 1,000 on
 *       mongo-java-server, which scans the whole queue for every claim and every fenced write.
 * </ol>
 *
 * <pre>
 * cd /work/wt/mongo
 * mvn -B -q -o -pl store-mongo -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/imgpipe-mongo-bench.cp -Dmdep.includeScope=test
 * java -cp store-mongo/target/test-classes:store-mongo/target/classes:$(cat /tmp/imgpipe-mongo-bench.cp) \
 *     io.imgpipe.mongo.MongoRepositoryBenchmark        # -Dmongo.uri=mongodb://host:27017 adds a real server
 * </pre>
 */
public final class MongoRepositoryBenchmark {

    private static final int IMAGES_PER_ROW = 3;
    private static final Duration LEASE = Duration.ofMinutes(5);

    private MongoRepositoryBenchmark() {
    }

    /** @param args ignored; settings are system properties (see the class comment) */
    public static void main(String[] args) throws Exception {
        int rows = Integer.getInteger("rows", 100_000);
        int threads = Integer.getInteger("threads", 8);
        int batch = Integer.getInteger("batch", 8);
        try (InJvmMongoServer server = InJvmMongoServer.start(); MongoClient client = server.newClient()) {
            run("mongo-java-server 1.47 (in this JVM)", client, rows, Integer.getInteger("claim.rows", 1_000), threads,
                    batch);
        }
        String uri = System.getProperty("mongo.uri");
        if (uri != null && !uri.isBlank()) {
            try (MongoClient client = MongoClients.create(uri)) {
                run(uri, client, rows, Integer.getInteger("claim.rows", rows), threads, batch);
            }
        }
    }

    private static void run(String target, MongoClient client, int rows, int claimRows, int threads, int batch)
            throws Exception {
        System.out.println();
        System.out.println("== " + target);
        createAndFind(client, rows);
        claimAndComplete(client, claimRows, threads, batch);
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

    private static void claimAndComplete(MongoClient client, int rows, int threads, int batch) throws Exception {
        NewRequest request = TestRequests.large("drain", Instant.now(), rows, IMAGES_PER_ROW);
        String database = freshDatabaseName();
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try (MongoProductRepository repository = open(client, database)) {
            repository.create(request);
            List<Future<Integer>> workers = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < threads; i++) {
                String owner = "bench-" + i;
                workers.add(executor.submit(() -> drain(repository, owner, batch)));
            }
            int total = 0;
            for (Future<Integer> worker : workers) {
                total += worker.get();
            }
            double seconds = seconds(start);
            System.out.println(String.format(Locale.ROOT,
                    "claim+complete: drained %,d tasks with %d threads (batches of %d) in %.2f s = %,.0f claims/s",
                    total, threads, batch, seconds, total / seconds));
        } finally {
            executor.shutdownNow();
            client.getDatabase(database).drop();
        }
    }

    private static MongoProductRepository open(MongoClient client, String database) {
        return MongoProductRepository.builder(MongoRepositoryConfig.forClient().withDatabase(database))
                .client(client).build();
    }

    private static String freshDatabaseName() {
        return "imgpipe_bench_" + Long.toHexString(System.nanoTime());
    }

    private static int drain(MongoProductRepository repository, String owner, int batch) {
        int mine = 0;
        while (true) {
            Instant now = Instant.now();
            List<ClaimedTask> claimed = repository.claim(owner, batch, now, LEASE);
            if (claimed.isEmpty()) {
                return mine;
            }
            for (ClaimedTask task : claimed) {
                repository.complete(task.lease(), URI.create("https://cdn.example.com/" + task.outputKey()), now);
                mine++;
            }
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
