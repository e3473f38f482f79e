package io.imgpipe.server;

import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.ImageOutput;
import io.imgpipe.spi.NewImage;
import io.imgpipe.spi.NewProduct;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.NewTask;
import io.imgpipe.sql.SqlProductRepository;
import io.imgpipe.sql.SqlRepositoryConfig;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Prints how long {@code GET /product/status/{id}} takes for a finished request of
 * {@code -Dproducts} products (default 20,000) with 3 images each, on the embedded default. A
 * program, not a test: it asserts nothing and is not run by the build.
 *
 * <p>The request is written into {@code DATA_DIR/imgpipe.db} through the repository first (created,
 * every task claimed and completed, finished), then the server starts on that data directory
 * (in this JVM, on loopback) and the status is read over HTTP {@code -Dreads} times (default 30)
 * after 5 unmeasured reads; every read includes reading the request and all its products from
 * SQLite, building every output URL and writing the JSON. The reads are timed twice: by Java's
 * {@code HttpClient} in this JVM (which spends noticeable CPU receiving 12 MB, on the same cores as
 * the server), and, where {@code curl} is installed, by {@code curl}'s own {@code time_total}.
 *
 * <pre>
 * mvn -B -q -pl example-server -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/imgpipe-server-bench.cp -Dmdep.includeScope=test
 * java -cp example-server/target/test-classes:example-server/target/classes:$(cat /tmp/imgpipe-server-bench.cp) \
 *     -Dlogback.configurationFile=logback-test.xml io.imgpipe.server.StatusEndpointBenchmark
 * </pre>
 */
public final class StatusEndpointBenchmark {

    private static final int IMAGES_PER_PRODUCT = 3;

    private StatusEndpointBenchmark() {
    }

    /** @param args ignored; settings are system properties (see the class comment) */
    public static void main(String[] args) throws Exception {
        int productCount = Integer.getInteger("products", 20_000);
        int reads = Integer.getInteger("reads", 30);
        Path dataDir = Files.createTempDirectory("imgpipe-status-bench");
        try {
            String requestId = "bench-" + productCount;
            long start = System.nanoTime();
            writeFinishedRequest(dataDir.resolve("imgpipe.db"), requestId, productCount);
            System.out.println(String.format(Locale.ROOT, "stored a finished request of %,d products (%,d images) in %.1f s",
                    productCount, productCount * IMAGES_PER_PRODUCT, (System.nanoTime() - start) / 1e9));
            try (RunningServer server = RunningServer.start(dataDir, Map.of("IO_WORKERS", "16"))) {
                ApiClient client = server.client();
                String path = "/product/status/" + requestId;
                long bytes = 0;
                for (int i = 0; i < 5; i++) {
                    bytes = read(client, path).body().length;
                }
                List<Double> millis = new ArrayList<>();
                for (int i = 0; i < reads; i++) {
                    long t = System.nanoTime();
                    read(client, path);
                    millis.add((System.nanoTime() - t) / 1e6);
                }
                print("java.net.http.HttpClient", path, productCount, bytes, millis);
                List<Double> curl = new ArrayList<>();
                for (int i = 0; i < reads; i++) {
                    Double seconds = curlSeconds(client.url(path).toString());
                    if (seconds == null) {
                        break;
                    }
                    curl.add(seconds * 1e3);
                }
                if (!curl.isEmpty()) {
                    print("curl", path, productCount, bytes, curl);
                }
            }
        } finally {
            try (Stream<Path> paths = Files.walk(dataDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void print(String client, String path, int productCount, long bytes, List<Double> millis) {
        millis.sort(Comparator.naturalOrder());
        int reads = millis.size();
        System.out.println(String.format(Locale.ROOT,
                "GET %s (%,d products, %.1f MB of JSON), %d reads by %s: median %.0f ms, p90 %.0f ms, max %.0f ms",
                path, productCount, bytes / 1e6, reads, client, millis.get(reads / 2),
                millis.get((int) Math.ceil(reads * 0.9) - 1), millis.get(reads - 1)));
    }

    /** @return curl's total time for one GET, or {@code null} if curl cannot be run */
    private static Double curlSeconds(String url) {
        try {
            Process curl = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", url)
                    .redirectErrorStream(true).start();
            String out = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            if (curl.waitFor() != 0 || !out.startsWith("200 ")) {
                return null;
            }
            return Double.parseDouble(out.substring(4));
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static HttpResponse<byte[]> read(ApiClient client, String path) {
        HttpResponse<byte[]> response = client.get(path);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("status answered " + response.statusCode());
        }
        return response;
    }

    private static void writeFinishedRequest(Path file, String requestId, int productCount) {
        Instant now = Instant.now();
        try (SqlProductRepository repository = SqlProductRepository.builder(SqlRepositoryConfig.forSqliteFile(file)).build()) {
            List<NewProduct> products = new ArrayList<>(productCount);
            List<NewTask> tasks = new ArrayList<>(productCount * IMAGES_PER_PRODUCT);
            for (int row = 0; row < productCount; row++) {
                List<NewImage> images = new ArrayList<>(IMAGES_PER_PRODUCT);
                for (int i = 1; i <= IMAGES_PER_PRODUCT; i++) {
                    URI url = URI.create("https://images.example.com/catalog/" + (row + 1) + "/photo-" + i + ".jpg");
                    String taskId = "t" + (tasks.size() + 1);
                    tasks.add(new NewTask(taskId, url, requestId + "/" + (row + 1) + "-" + i + ".jpg"));
                    images.add(new NewImage(i, url, taskId));
                }
                products.add(new NewProduct(row, row + 1, "Product " + (row + 1), images));
            }
            repository.create(new NewRequest(requestId, now, Map.of(), products, tasks));
            List<ClaimedTask> claimed;
            do {
                claimed = repository.claim("bench", 500, now, Duration.ofMinutes(5));
                for (ClaimedTask task : claimed) {
                    repository.complete(task.lease(), new ImageOutput(URI.create("http://127.0.0.1/files/"
                            + task.outputKey()), 200_000, 60_000, 816, 612), now);
                }
            } while (!claimed.isEmpty());
            repository.finishIfDone(requestId, "bench", now, Duration.ofMinutes(5)).orElseThrow();
            repository.markNotified(requestId, "bench", now);
        }
    }
}
