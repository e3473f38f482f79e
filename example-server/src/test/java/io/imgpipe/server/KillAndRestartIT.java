package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default's durability claim, proven with real processes: a server in a child JVM
 * is killed with SIGKILL while a request is half done and right after it accepted another, and a
 * second server on the same data directory finishes both with nothing lost or duplicated.
 */
class KillAndRestartIT {

    private static final int PRODUCTS = 8;
    private static final byte[] JPEG = TestImages.jpeg(160, 120, 7);

    @TempDir
    Path workDir;

    private TestHttpServer images;
    private final List<ChildServer> children = new ArrayList<>();

    @BeforeEach
    void serveImages() {
        images = TestHttpServer.start();
        for (int i = 1; i <= PRODUCTS; i++) {
            images.serve("/" + i + "/front.jpg", Reply.ok("image/jpeg", JPEG));
            images.serve("/" + i + "/back.jpg", Reply.ok("image/jpeg", JPEG).delayedBy(Duration.ofSeconds(3)));
            images.serve("/late/" + i + ".jpg", Reply.ok("image/jpeg", JPEG));
        }
    }

    @AfterEach
    void stopAll() {
        children.forEach(ChildServer::close);
        images.close();
    }

    @Test
    void aServerKilledMidRequestLosesNothingAcceptedAndDuplicatesNothingOnRestart() throws IOException {
        Path dataDir = workDir.resolve("data");
        ChildServer first = start(dataDir);
        ApiClient firstApi = new ApiClient(first.awaitPort());
        String halfDone = firstApi.uploadCsv(csv("/%d/front.jpg", "/%d/back.jpg"));
        JsonNode before = firstApi.awaitStatus(halfDone, s -> completed(s) >= 2);
        assertThat(completed(before)).as("still in progress when killed").isLessThan(2 * PRODUCTS);
        String justAccepted = firstApi.uploadCsv(csv("/late/%d.jpg"));

        first.kill();

        ChildServer second = start(dataDir);
        ApiClient secondApi = new ApiClient(second.awaitPort());
        JsonNode finishedHalfDone = secondApi.awaitFinished(halfDone);
        JsonNode finishedJustAccepted = secondApi.awaitFinished(justAccepted);

        assertCompletedExactlyOnce(secondApi, dataDir, finishedHalfDone, "/%d/front.jpg", "/%d/back.jpg");
        assertCompletedExactlyOnce(secondApi, dataDir, finishedJustAccepted, "/late/%d.jpg");
    }

    @Test
    void aServerStoppedWithSigtermShutsDownGracefullyAndItsWorkResumesOnRestart() throws IOException {
        Path dataDir = workDir.resolve("data");
        ChildServer first = start(dataDir);
        ApiClient firstApi = new ApiClient(first.awaitPort());
        String requestId = firstApi.uploadCsv(csv("/%d/front.jpg", "/%d/back.jpg"));
        firstApi.awaitStatus(requestId, s -> s.get("progress").get("processing").asInt() > 0);

        int exitStatus = first.terminate(Duration.ofSeconds(30));

        assertThat(exitStatus).as("exit status after SIGTERM").isEqualTo(143);
        assertThat(first.output()).contains("shutting down").contains("embedded store").contains("closed")
                .contains("stopped");
        ChildServer second = start(dataDir);
        ApiClient secondApi = new ApiClient(second.awaitPort());
        assertCompletedExactlyOnce(secondApi, dataDir, secondApi.awaitFinished(requestId), "/%d/front.jpg",
                "/%d/back.jpg");
    }

    private void assertCompletedExactlyOnce(ApiClient api, Path dataDir, JsonNode status, String... imagePaths)
            throws IOException {
        String requestId = status.get("requestId").asText();
        assertThat(status.get("status").asText()).isEqualTo("completed");
        assertThat(status.get("progress").get("total").asInt()).isEqualTo(PRODUCTS * imagePaths.length);
        assertThat(status.get("progress").get("completed").asInt()).isEqualTo(PRODUCTS * imagePaths.length);
        JsonNode products = status.get("product");
        assertThat(products).hasSize(PRODUCTS);
        Set<String> outputs = new HashSet<>();
        for (int i = 0; i < PRODUCTS; i++) {
            JsonNode product = products.get(i);
            assertThat(product.get("serialNumber").asInt()).isEqualTo(i + 1);
            JsonNode productImages = product.get("images");
            assertThat(productImages).hasSize(imagePaths.length);
            for (int j = 0; j < imagePaths.length; j++) {
                JsonNode image = productImages.get(j);
                String path = String.format(imagePaths[j], i + 1);
                assertThat(image.get("url").asText()).isEqualTo(images.url(path).toString());
                assertThat(images.hits(path)).as("fetches of %s: once, or twice if it was in flight at the stop", path)
                        .isBetween(1, 2);
                assertThat(image.get("status").asText()).isEqualTo("completed");
                String compressedUrl = image.get("compressedUrl").asText();
                assertThat(outputs.add(compressedUrl)).as("output URLs are distinct").isTrue();
                HttpResponse<byte[]> file = api.get(URI.create(compressedUrl));
                assertThat(file.statusCode()).isEqualTo(200);
                assertThat(file.body()).startsWith(0xFF, 0xD8, 0xFF);
                String key = compressedUrl.substring(compressedUrl.indexOf("/files/") + "/files/".length());
                assertThat(dataDir.resolve("images").resolve(key)).isRegularFile();
            }
        }
        try (Stream<Path> stored = Files.walk(dataDir.resolve("images").resolve(requestId))) {
            assertThat(stored.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("~")))
                    .as("one stored object per image").hasSize(PRODUCTS * imagePaths.length);
        }
    }

    private ChildServer start(Path dataDir) {
        ChildServer child = ChildServer.start(workDir, Map.of(
                "HOST", "127.0.0.1",
                "PORT", "0",
                "DATA_DIR", dataDir.toString(),
                "FETCH_ALLOW_PRIVATE_NETWORKS", "true",
                "LEASE_SECONDS", "3",
                "IO_WORKERS", "4",
                "CPU_WORKERS", "1",
                "SHUTDOWN_TIMEOUT_SECONDS", "1"));
        children.add(child);
        return child;
    }

    private String csv(String... imagePaths) {
        StringBuilder csv = new StringBuilder("S. No.,Product Name,Input Image Urls\n");
        for (int i = 1; i <= PRODUCTS; i++) {
            List<String> urls = new ArrayList<>();
            for (String path : imagePaths) {
                urls.add(images.url(String.format(path, i)).toString());
            }
            csv.append(i).append(",Product ").append(i).append(",\"").append(String.join(",", urls)).append("\"\n");
        }
        return csv.toString();
    }

    private static int completed(JsonNode status) {
        return status.get("progress").get("completed").asInt();
    }
}
