package io.imgpipe.sql;

import io.imgpipe.ProcessingEngine;
import io.imgpipe.local.FileSystemObjectStore;
import io.imgpipe.local.FileSystemStoreConfig;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.ImageOutput;
import io.imgpipe.spi.NewImage;
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
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Prints how fast the repository takes a large upload and how fast concurrent workers drain a
 * queue. A program, not a test: it asserts nothing and is not run by the build.
 *
 * <p>It runs on SQLite (a file in a temporary directory) and, when a PostgreSQL URL is given with
 * {@code -Dpostgres.url=jdbc:postgresql://...} (or the environment variable
 * {@code IMGPIPE_TEST_POSTGRES_URL}), on PostgreSQL in a schema of its own that it drops
 * afterwards. For each database:
 * <ol>
 *   <li>submit: a CSV of {@code -Drows} products (default 100,000) with 3 distinct image URLs
 *       each, written to a temporary file and submitted through {@link ProcessingEngine#submit}
 *       (parsing, validation, planning and the repository's create, as an upload does); then one
 *       {@code findRequest} and one full {@code forEachProduct} of that request;
 *   <li>claim + complete: {@code -Dclaim.rows} products (default 10,000; 3 tasks each) drained by
 *       {@code -Dthreads} threads (default 8), each looping claim (batches of {@code -Dbatch},
 *       default 8) and complete until nothing is left, then again with a {@code finishIfDone}
 *       after each complete, as the engine calls it.
 * </ol>
 *
 * <pre>
 * mvn -B -q -pl store-sql -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/imgpipe-sql-bench.cp -Dmdep.includeScope=test
 * java -cp store-sql/target/test-classes:store-sql/target/classes:$(cat /tmp/imgpipe-sql-bench.cp) \
 *     io.imgpipe.sql.SqlRepositoryBenchmark            # -Dpostgres.url=jdbc:postgresql://... adds PostgreSQL
 * </pre>
 */
public final class SqlRepositoryBenchmark {

    private static final int IMAGES_PER_ROW = 3;
    private static final Duration LEASE = Duration.ofMinutes(5);

    private SqlRepositoryBenchmark() {
    }

    /** @param args ignored; settings are system properties (see the class comment) */
    public static void main(String[] args) throws Exception {
        int rows = Integer.getInteger("rows", 100_000);
        int claimRows = Integer.getInteger("claim.rows", 10_000);
        int threads = Integer.getInteger("threads", 8);
        int batch = Integer.getInteger("batch", 8);
        Path dir = Files.createTempDirectory("imgpipe-sql-bench");
        try {
            int[] files = {0};
            run("SQLite (WAL, synchronous=FULL) in " + dir, () -> SqlProductRepository.builder(
                    SqlRepositoryConfig.forSqliteFile(dir.resolve("bench-" + (++files[0]) + ".db"))).build(),
                    dir, rows, claimRows, threads, batch);
            String url = System.getProperty("postgres.url", System.getenv("IMGPIPE_TEST_POSTGRES_URL"));
            if (url != null && !url.isBlank()) {
                String schema = "bench_" + Long.toHexString(System.nanoTime());
                try {
                    String[] current = {null};
                    run("PostgreSQL " + SqlRepositoryConfig.redacted(url), () -> {
                        current[0] = schema + "_" + (++files[0]);
                        return SqlProductRepository.builder(SqlRepositoryConfig.forUrl(url).withSchema(current[0])
                                .withMaxPoolSize(threads + 2)).build();
                    }, dir, rows, claimRows, threads, batch);
                } finally {
                    for (int i = 1; i <= files[0]; i++) {
                        TestPostgres.dropSchema(url, schema + "_" + i);
                    }
                }
            }
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void run(String target, Supplier<SqlProductRepository> repositories, Path dir, int rows,
            int claimRows, int threads, int batch) throws Exception {
        System.out.println();
        System.out.println("== " + target);
        submitCsv(repositories, dir, rows);
        claimAndComplete(repositories, claimRows, threads, batch, false);
        claimAndComplete(repositories, claimRows, threads, batch, true);
    }

    private static void submitCsv(Supplier<SqlProductRepository> repositories, Path dir, int rows) throws Exception {
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
        try (SqlProductRepository repository = repositories.get();
             ProcessingEngine engine = ProcessingEngine.builder()
                     .repository(repository)
                     .objectStore(new FileSystemObjectStore(new FileSystemStoreConfig(dir.resolve("out"),
                             URI.create("https://cdn.example.com/"))))
                     .build();
             InputStream in = Files.newInputStream(csv)) {
            long start = System.nanoTime();
            String id = engine.submit(in);
            double seconds = seconds(start);
            System.out.println(String.format(Locale.ROOT,
                    "submit CSV: %,d rows (%.1f MB, %,d image URLs) through ProcessingEngine.submit in %.2f s = %,.0f rows/s",
                    rows, Files.size(csv) / 1e6, rows * IMAGES_PER_ROW, seconds, rows / seconds));
            start = System.nanoTime();
            repository.findRequest(id).orElseThrow();
            System.out.println(String.format(Locale.ROOT, "findRequest of that request: %.1f ms", seconds(start) * 1e3));
            start = System.nanoTime();
            int[] products = {0};
            repository.forEachProduct(id, product -> products[0]++);
            System.out.println(String.format(Locale.ROOT, "forEachProduct of that request: %,d products in %.2f s",
                    products[0], seconds(start)));
            start = System.nanoTime();
            engine.status(id).orElseThrow();
            System.out.println(String.format(Locale.ROOT, "ProcessingEngine.status of that request: %.2f s",
                    seconds(start)));
        } finally {
            Files.deleteIfExists(csv);
        }
    }

    private static void claimAndComplete(Supplier<SqlProductRepository> repositories, int rows, int threads, int batch,
            boolean finishEach) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try (SqlProductRepository repository = repositories.get()) {
            repository.create(request("drain", Instant.now(), rows));
            List<Future<Integer>> workers = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < threads; i++) {
                String owner = "bench-" + i;
                workers.add(executor.submit(() -> drain(repository, owner, batch, finishEach)));
            }
            int total = 0;
            for (Future<Integer> worker : workers) {
                total += worker.get();
            }
            double seconds = seconds(start);
            System.out.println(String.format(Locale.ROOT,
                    "claim+complete%s: drained %,d tasks with %d threads (batches of %d) in %.2f s = %,.0f tasks/s",
                    finishEach ? "+finishIfDone" : "", total, threads, batch, seconds, total / seconds));
        } finally {
            executor.shutdownNow();
        }
    }

    private static int drain(SqlProductRepository repository, String owner, int batch, boolean finishEach) {
        int mine = 0;
        while (true) {
            Instant now = Instant.now();
            List<ClaimedTask> claimed = repository.claim(owner, batch, now, LEASE);
            if (claimed.isEmpty()) {
                return mine;
            }
            for (ClaimedTask task : claimed) {
                if (repository.complete(task.lease(), new ImageOutput(URI.create("https://cdn.example.com/"
                        + task.outputKey()), 200_000, 60_000, 816, 612), now)
                        && finishEach) {
                    repository.finishIfDone(task.lease().requestId(), owner, now, LEASE);
                }
                mine++;
            }
        }
    }

    /** A request of {@code rows} products with 3 distinct image URLs each, built as the engine builds it. */
    static NewRequest request(String requestId, Instant createdAt, int rows) {
        List<NewProduct> products = new ArrayList<>(rows);
        List<NewTask> tasks = new ArrayList<>(rows * IMAGES_PER_ROW);
        for (int row = 0; row < rows; row++) {
            List<NewImage> images = new ArrayList<>(IMAGES_PER_ROW);
            for (int i = 1; i <= IMAGES_PER_ROW; i++) {
                URI url = URI.create("https://images.example.com/p" + row + "/" + i + ".jpg");
                String taskId = "t" + (tasks.size() + 1);
                tasks.add(new NewTask(taskId, url, requestId + "/" + (row + 1) + "-" + i + ".jpg"));
                images.add(new NewImage(i, url, taskId));
            }
            products.add(new NewProduct(row, row + 1, "Product " + (row + 1), images));
        }
        return new NewRequest(requestId, createdAt, Map.of(), products, tasks);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
