package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ready means ready: a server in a child JVM whose store is slow to open (its MongoDB comes up only
 * after the server's port is open) is polled from the moment it is launched. No request is refused
 * as "starting": requests that arrive before the store is open wait for it, then {@code GET /},
 * {@code /health} and the API answer as a ready server does.
 */
class StartupReadinessIT {

    private static final String CSV = "S. No.,Product Name,Input Image Urls\n1,Ready,http://127.0.0.1:9/ready.jpg\n";

    @TempDir
    Path workDir;

    private ChildServer child;
    private MongoServer mongo;
    private final AtomicBoolean polling = new AtomicBoolean(true);

    @AfterEach
    void stop() {
        polling.set(false);
        if (child != null) {
            child.close();
        }
        if (mongo != null) {
            mongo.shutdownNow();
        }
    }

    @Test
    void requestsDuringStartUpWaitForTheStoreAndAreNeverRefused() throws Exception {
        int mongoPort = freePort();
        int httpPort = freePort();
        child = ChildServer.start(workDir, Map.of(
                "HOST", "127.0.0.1",
                "PORT", Integer.toString(httpPort),
                "DATA_DIR", workDir.resolve("data").toString(),
                "MONGODB_URI", "mongodb://127.0.0.1:" + mongoPort + "/readiness?serverSelectionTimeoutMS=60000",
                "FETCH_ALLOW_PRIVATE_NETWORKS", "true",
                "IO_WORKERS", "2",
                "CPU_WORKERS", "1"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();
        CompletableFuture<Void> poller = CompletableFuture.runAsync(() -> pollUntilStopped(http, httpPort, answers));

        await().atMost(Duration.ofSeconds(60)).until(() -> child.output().contains("port " + httpPort + " bound"));
        assertThat(child.output()).as("the store is not open yet").doesNotContain("listening on");
        CompletableFuture<HttpResponse<String>> live = http.sendAsync(get(httpPort, "/"), HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> health = http.sendAsync(get(httpPort, "/health"),
                HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> unknownStatus = http.sendAsync(get(httpPort, "/product/status/no-such-request"),
                HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> upload = http.sendAsync(upload(httpPort), HttpResponse.BodyHandlers.ofString());

        mongo = new MongoServer(new MemoryBackend());
        mongo.bind("127.0.0.1", mongoPort);

        await().atMost(Duration.ofSeconds(60)).until(() -> child.output().contains("listening on"));
        assertThat(live.get().statusCode()).isEqualTo(200);
        assertThat(live.get().body()).isEqualTo("Server is Live!!!");
        assertThat(health.get().statusCode()).as("health %s", health.get().body()).isEqualTo(200);
        assertThat(health.get().body()).contains("\"status\":\"up\"");
        assertThat(unknownStatus.get().statusCode()).as("the API answers as ready: an unknown request is 404").isEqualTo(404);
        assertThat(upload.get().statusCode()).as("upload %s", upload.get().body()).isEqualTo(200);
        assertThat(upload.get().body()).contains("requestId");

        await().atMost(Duration.ofSeconds(30)).until(() -> answers.stream().filter(a -> a.startsWith("/health ")).count() >= 3);
        polling.set(false);
        poller.get();
        assertThat(answers).as("every answer from the moment the port opened").isNotEmpty()
                .allSatisfy(answer -> assertThat(answer).isIn(
                        "/ 200 Server is Live!!!", "/health 200 up", "/product/status/polled 404"));
    }

    /** Asks {@code /}, {@code /health} and the API in turn until stopped, recording every answer. */
    private void pollUntilStopped(HttpClient http, int port, ConcurrentLinkedQueue<String> answers) {
        List<String> paths = List.of("/", "/health", "/product/status/polled");
        int i = 0;
        while (polling.get()) {
            String path = paths.get(i++ % paths.size());
            try {
                HttpResponse<String> response = http.send(get(port, path), HttpResponse.BodyHandlers.ofString());
                String body = path.equals("/health")
                        ? (response.body().contains("\"status\":\"up\"") ? "up" : response.body())
                        : path.equals("/") ? response.body() : "";
                answers.add((path + " " + response.statusCode() + " " + body).strip());
            } catch (ConnectException e) {
                ApiClient.pause(20); // the port is not open yet
            } catch (IOException e) {
                answers.add(path + " failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(90)).GET()
                .build();
    }

    private static HttpRequest upload(int port) {
        ApiClient.Multipart body = new ApiClient.Multipart()
                .file("file", "ready.csv", "text/csv", CSV.getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/product/upload"))
                .timeout(Duration.ofSeconds(90))
                .header("Content-Type", body.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()))
                .build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
