package io.imgpipe.server;

import static io.imgpipe.server.ApiClient.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.RecordedRequest;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An upload with a {@code webhookUrl} calls it back, signed, when the request finishes. */
class WebhookIT {

    private static final String SECRET = "webhook-it-secret-0123456789";
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    private TestHttpServer receiver;
    private RunningServer server;

    @BeforeEach
    void start() {
        receiver = TestHttpServer.start();
        receiver.serve("/a.jpg", Reply.ok("image/jpeg", TestImages.jpeg(80, 60, 5)));
        receiver.serve("/hooks/imgpipe", Reply.status(204));
        server = RunningServer.start(dataDir, Map.of("WEBHOOK_SECRET", SECRET));
    }

    @AfterEach
    void stop() {
        server.close();
        receiver.close();
    }

    @Test
    void callsTheWebhookWithASignedSummaryWhenTheRequestFinishes() throws Exception {
        String requestId = server.client().uploadCsv("S. No.,Product Name,Input Image Urls\n1,Mug,"
                + receiver.url("/a.jpg") + "\n", receiver.url("/hooks/imgpipe").toString());
        server.client().awaitFinished(requestId);

        RecordedRequest delivery = awaitDelivery("/hooks/imgpipe");

        String timestamp = delivery.headers().get("x-imgpipe-timestamp");
        assertThat(timestamp).isNotNull();
        assertThat(Math.abs(Long.parseLong(timestamp) - Instant.now().getEpochSecond())).isLessThan(120);
        assertThat(delivery.headers().get("x-imgpipe-signature"))
                .isEqualTo("sha256=" + WebhookNotifierTest.hmac(SECRET, timestamp, delivery.body()));
        JsonNode body = new ObjectMapper().readTree(delivery.body());
        assertThat(body.get("requestId").asText()).isEqualTo(requestId);
        assertThat(body.get("status").asText()).isEqualTo("completed");
        assertThat(body.get("counts").get("completed").asInt()).isEqualTo(1);
        HttpResponse<byte[]> csv = server.client().get(URI.create(body.get("outputCsvUrl").asText()));
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(text(csv)).startsWith("S. No.,Product Name,Input Image Urls,Output Image Urls");
    }

    private RecordedRequest awaitDelivery(String path) {
        long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (RecordedRequest request : receiver.requests()) {
                if (request.path().equals(path)) {
                    return request;
                }
            }
            ApiClient.pause(50);
        }
        throw new AssertionError("no webhook delivered to " + path + " within " + DELIVERY_TIMEOUT);
    }
}
