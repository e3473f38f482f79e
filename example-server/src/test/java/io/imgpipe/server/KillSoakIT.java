package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.awt.Dimension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kill -9 soak of the embedded default (SQLite and the file store under one {@code DATA_DIR}):
 * a few hundred images are processed by a server in a child JVM that is killed with SIGKILL at
 * random moments (seeded; the seed is printed, and {@code -Dsoak.seed=} replays it) and restarted
 * on the same directory each time. Some images are served slowly, so kills land on work in
 * flight. At the end every image is {@code completed}, every output is a JPEG of the source's
 * size, each image has exactly one stored file (none twice, none unreferenced) and no temporary
 * file is left.
 */
class KillSoakIT {

    private static final int REQUESTS = 6;
    private static final int PRODUCTS_PER_REQUEST = 50;
    private static final int IMAGES = REQUESTS * PRODUCTS_PER_REQUEST;
    private static final int KILLS = 12;
    private static final Duration FINISH_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path workDir;

    private final List<ChildServer> children = new ArrayList<>();
    private TestHttpServer images;

    @AfterEach
    void stopAll() {
        children.forEach(ChildServer::close);
        if (images != null) {
            images.close();
        }
    }

    @Test
    void everyImageCompletesExactlyOnceThroughRepeatedKills() throws IOException {
        long seed = Long.getLong("soak.seed", System.nanoTime());
        System.out.println("KillSoakIT seed " + seed + " (replay with -Dsoak.seed=" + seed + ")");
        Random random = new Random(seed);
        long startNanos = System.nanoTime();
        images = TestHttpServer.start();
        Map<String, Dimension> sizes = serveImages(random);
        Path dataDir = workDir.resolve("data");

        ChildServer child = start(dataDir);
        ApiClient api = new ApiClient(child.awaitPort());
        List<String> requestIds = new ArrayList<>();
        Iterator<String> paths = sizes.keySet().iterator();
        for (int r = 0; r < REQUESTS; r++) {
            requestIds.add(api.uploadCsv(csv(paths, r)));
        }

        int kills = 0;
        while (kills < KILLS) {
            int completedBefore = completed(api, requestIds);
            if (completedBefore == IMAGES) {
                break;
            }
            int progress = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(30);
            int target = Math.min(IMAGES, completedBefore + progress);
            ApiClient current = api;
            await().atMost(FINISH_TIMEOUT).pollInterval(Duration.ofMillis(20))
                    .until(() -> completed(current, requestIds) >= target);
            child.kill();
            kills++;
            child = start(dataDir);
            api = new ApiClient(child.awaitPort());
        }

        ApiClient last = api;
        await().atMost(FINISH_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> completed(last, requestIds) + failed(last, requestIds) == IMAGES);
        Set<String> outputKeys = assertEveryImageCompletedAsAJpegOfItsSize(last, requestIds, sizes);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(temporaryFiles(dataDir)).as("temporary files left").isEmpty());
        assertThat(storedFiles(dataDir)).as("stored files: exactly one per image, none unreferenced")
                .containsExactlyInAnyOrderElementsOf(outputKeys);
        child.terminate(Duration.ofSeconds(30));
        assertThat(uploadLeftovers(dataDir)).as("upload bodies left in the spools").isEmpty();

        System.out.printf("KillSoakIT: %d images, %d kills, %.1f s (seed %d)%n", IMAGES, kills,
                (System.nanoTime() - startNanos) / 1e9, seed);
        assertThat(kills).as("kills").isGreaterThanOrEqualTo(10);
    }

    /** Serves {@link #IMAGES} small JPEGs and PNGs, one in five slowly; @return their paths and sizes */
    private Map<String, Dimension> serveImages(Random random) {
        Map<String, Dimension> sizes = new HashMap<>();
        for (int i = 0; i < IMAGES; i++) {
            int width = 40 + random.nextInt(160);
            int height = 30 + random.nextInt(120);
            boolean png = i % 3 == 0;
            String path = "/soak/" + i + (png ? ".png" : ".jpg");
            byte[] body = png ? TestImages.png(width, height, i) : TestImages.jpeg(width, height, i);
            Reply reply = Reply.ok(png ? "image/png" : "image/jpeg", body);
            if (i % 5 == 0) {
                reply = reply.delayedBy(Duration.ofMillis(300 + random.nextInt(1200)));
            }
            images.serve(path, reply);
            sizes.put(path, new Dimension(width, height));
        }
        return new TreeMap<>(sizes);
    }

    private Set<String> assertEveryImageCompletedAsAJpegOfItsSize(ApiClient api, List<String> requestIds,
            Map<String, Dimension> sizes) throws IOException {
        Set<String> keys = new HashSet<>();
        Set<String> seenPaths = new HashSet<>();
        for (String requestId : requestIds) {
            JsonNode status = api.status(requestId);
            assertThat(status.get("status").asText()).as("request %s: %s", requestId, status).isEqualTo("completed");
            for (JsonNode product : status.get("product")) {
                for (JsonNode image : product.get("images")) {
                    assertThat(image.get("status").asText()).as("image %s", image).isEqualTo("completed");
                    String path = URI.create(image.get("url").asText()).getPath();
                    assertThat(seenPaths.add(path)).as("image %s listed once", path).isTrue();
                    String compressedUrl = image.get("compressedUrl").asText();
                    HttpResponse<byte[]> file = api.get(URI.create(compressedUrl));
                    assertThat(file.statusCode()).as("download of %s", compressedUrl).isEqualTo(200);
                    assertThat(jpegSize(file.body())).as("output of %s", path).isEqualTo(sizes.get(path));
                    assertThat(keys.add(compressedUrl.substring(compressedUrl.indexOf("/files/") + "/files/".length())))
                            .as("output URLs are distinct").isTrue();
                }
            }
        }
        assertThat(seenPaths).hasSize(IMAGES);
        return keys;
    }

    private static Dimension jpegSize(byte[] bytes) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            assertThat(readers.hasNext()).as("a readable image").isTrue();
            ImageReader reader = readers.next();
            try {
                assertThat(reader.getFormatName()).isEqualToIgnoringCase("jpeg");
                reader.setInput(in);
                java.awt.image.BufferedImage decoded = reader.read(0);
                return new Dimension(decoded.getWidth(), decoded.getHeight());
            } finally {
                reader.dispose();
            }
        }
    }

    private static List<String> storedFiles(Path dataDir) throws IOException {
        Path root = dataDir.resolve("images");
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(file -> root.relativize(file).toString().replace('\\', '/'))
                    .collect(Collectors.toList());
        }
    }

    private static List<Path> temporaryFiles(Path dataDir) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dataDir.resolve("images"))) {
            files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().startsWith("~")
                    || f.getFileName().toString().endsWith(".tmp")).forEach(found::add);
        }
        Path spill = dataDir.resolve("spill");
        if (Files.isDirectory(spill)) {
            try (Stream<Path> files = Files.walk(spill)) {
                files.filter(Files::isRegularFile).forEach(found::add);
            }
        }
        return found;
    }

    /** @return files in the upload spools other than their lock files */
    private static List<Path> uploadLeftovers(Path dataDir) throws IOException {
        Path uploads = dataDir.resolve("uploads");
        if (!Files.isDirectory(uploads)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(uploads)) {
            return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals(".lock"))
                    .collect(Collectors.toList());
        }
    }

    private String csv(Iterator<String> paths, int request) {
        StringBuilder csv = new StringBuilder("S. No.,Product Name,Input Image Urls\n");
        for (int i = 1; i <= PRODUCTS_PER_REQUEST; i++) {
            csv.append(i).append(",Soak ").append(request).append('-').append(i).append(",\"")
                    .append(images.url(paths.next())).append("\"\n");
        }
        return csv.toString();
    }

    private static int completed(ApiClient api, List<String> requestIds) {
        return sum(api, requestIds, "completed");
    }

    private static int failed(ApiClient api, List<String> requestIds) {
        return sum(api, requestIds, "failed");
    }

    private static int sum(ApiClient api, List<String> requestIds, String field) {
        int total = 0;
        for (String requestId : requestIds) {
            total += api.status(requestId).get("progress").get(field).asInt();
        }
        return total;
    }

    private ChildServer start(Path dataDir) {
        Map<String, String> variables = new HashMap<>();
        variables.put("HOST", "127.0.0.1");
        variables.put("PORT", "0");
        variables.put("DATA_DIR", dataDir.toString());
        variables.put("FETCH_ALLOW_PRIVATE_NETWORKS", "true");
        variables.put("IO_WORKERS", "8");
        variables.put("CPU_WORKERS", "2");
        variables.put("SHUTDOWN_TIMEOUT_SECONDS", "5");
        // every claim in flight at a kill is abandoned: the poison-image limit stays above the kills
        variables.put("MAX_ABANDONED", Integer.toString(KILLS * 3));
        // debris of interrupted puts is swept within seconds rather than the default hour
        variables.put("TEMP_FILE_MAX_AGE_SECONDS", "2");
        variables.put("TEMP_SWEEP_INTERVAL_SECONDS", "1");
        ChildServer child = ChildServer.start(workDir, variables);
        children.add(child);
        return child;
    }
}
