package io.imgpipe.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The load a new user makes on the embedded default: {@code -Dclients} clients (default 20) upload
 * a CSV of {@code -Drows} products (default 200, one image each) at the same moment, then each polls
 * its request's status every {@code -Dpoll.ms} (default 500) until it is finished. Images of about
 * half a megapixel (816 x 612 JPEG, 40 different pictures) are served from a loopback HTTP server.
 * Prints the upload and status latencies (p50, p99, max) and the images per second from the first
 * upload to the last request finished. The load runs {@code -Druns} times (default 2) on one server:
 * the first run is the server's first work in a fresh JVM (a cold start, which loads classes and
 * compiles code while it runs), the later ones the same load on the running server, with new
 * URLs. A program, not a test: it asserts nothing and is not run by the build. The server, the
 * image server and the clients share this JVM and the machine's cores.
 *
 * <pre>
 * mvn -B -q -pl example-server -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/imgpipe-server-bench.cp -Dmdep.includeScope=test
 * java -Xmx2g -cp example-server/target/test-classes:example-server/target/classes:$(cat /tmp/imgpipe-server-bench.cp) \
 *     -Dlogback.configurationFile=logback-test.xml io.imgpipe.server.LoadBenchmark
 * </pre>
 */
public final class LoadBenchmark {

    private LoadBenchmark() {
    }

    /** @param args ignored; settings are system properties (see the class comment) */
    public static void main(String[] args) throws Exception {
        int clients = Integer.getInteger("clients", 20);
        int rows = Integer.getInteger("rows", 200);
        long pollMillis = Long.getLong("poll.ms", 500);
        int runs = Integer.getInteger("runs", 2);
        Path dataDir = Files.createTempDirectory("imgpipe-load-bench");
        ExecutorService executor = Executors.newFixedThreadPool(clients);
        try (TestHttpServer images = TestHttpServer.start()) {
            byte[][] pictures = new byte[40][];
            long pictureBytes = 0;
            for (int i = 0; i < pictures.length; i++) {
                pictures[i] = TestImages.jpeg(816, 612, i);
                pictureBytes += pictures[i].length;
            }
            System.out.println(String.format(Locale.ROOT, "%d clients x %d rows = %,d images of 816x612 (%.0f KB on average),"
                    + " %d cores, %d runs on one server", clients, rows, clients * rows, pictureBytes / 1e3 / pictures.length,
                    Runtime.getRuntime().availableProcessors(), runs));
            try (RunningServer server = RunningServer.start(dataDir, Map.of("LEASE_SECONDS", "120",
                    "IO_WORKERS", "16", "CPU_WORKERS", String.valueOf(Runtime.getRuntime().availableProcessors())))) {
                for (int run = 1; run <= runs; run++) {
                    List<String> csvs = new ArrayList<>();
                    for (int c = 0; c < clients; c++) {
                        StringBuilder csv = new StringBuilder("S. No.,Product Name,Input Image Urls\n");
                        for (int r = 1; r <= rows; r++) {
                            String path = "/images/" + run + "/" + c + "/" + r + ".jpg";
                            images.serve(path, Reply.ok("image/jpeg", pictures[(c * rows + r) % pictures.length]));
                            csv.append(r).append(",Product ").append(r).append(',').append(images.url(path)).append('\n');
                        }
                        csvs.add(csv.toString());
                    }
                    System.out.println(run == 1 ? "run 1: the server's first requests (a cold start: classes loaded and"
                            + " code compiled while the load runs)" : "run " + run + ": the same load again on the running server");
                    load(server.client(), executor, csvs, pollMillis, clients, rows);
                }
            }
        } finally {
            executor.shutdownNow();
            try (Stream<Path> paths = Files.walk(dataDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Uploads every CSV at once, polls each request until it finishes, and prints the figures. */
    private static void load(ApiClient client, ExecutorService executor, List<String> csvs, long pollMillis, int clients,
            int rows) throws Exception {
        List<Double> uploads = Collections.synchronizedList(new ArrayList<>());
        List<Double> statuses = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (String csv : csvs) {
            results.add(executor.submit(() -> {
                ready.countDown();
                go.await();
                long t = System.nanoTime();
                String id = client.uploadCsv(csv);
                uploads.add((System.nanoTime() - t) / 1e6);
                while (true) {
                    Thread.sleep(pollMillis);
                    t = System.nanoTime();
                    JsonNode status = client.status(id);
                    statuses.add((System.nanoTime() - t) / 1e6);
                    String state = status.get("status").asText();
                    if (state.equals("completed") || state.equals("failed")) {
                        return state;
                    }
                }
            }));
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        int completed = 0;
        for (Future<String> result : results) {
            completed += result.get().equals("completed") ? 1 : 0;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println(String.format(Locale.ROOT, "  %d of %d requests completed, %,d images in %.1f s = %.1f images/s",
                completed, clients, clients * rows, seconds, clients * rows / seconds));
        System.out.println("  upload latency: " + summary(uploads));
        System.out.println("  status latency while processing: " + summary(statuses));
    }

    private static String summary(List<Double> millis) {
        List<Double> sorted = new ArrayList<>(millis);
        sorted.sort(Comparator.naturalOrder());
        return String.format(Locale.ROOT, "%d samples, p50 %.0f ms, p99 %.0f ms, max %.0f ms", sorted.size(),
                percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.get(sorted.size() - 1));
    }

    private static double percentile(List<Double> sorted, double fraction) {
        return sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * fraction) - 1));
    }
}
