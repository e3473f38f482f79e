package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A test client of the server's API over real HTTP ({@link java.net.http.HttpClient}), with a
 * multipart body builder and status polling.
 */
final class ApiClient {

    /** How long polling waits for a request to finish before declaring a hang. */
    static final Duration FINISH_TIMEOUT = Duration.ofSeconds(90);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /** @param base for example {@code http://127.0.0.1:8080} */
    ApiClient(URI base) {
        this.base = base;
    }

    /** @param port a server on 127.0.0.1 */
    ApiClient(int port) {
        this(URI.create("http://127.0.0.1:" + port));
    }

    URI url(String path) {
        return base.resolve(path);
    }

    HttpResponse<byte[]> get(String path) {
        return send(HttpRequest.newBuilder(url(path)).GET().build());
    }

    HttpResponse<byte[]> get(URI absolute) {
        return send(HttpRequest.newBuilder(absolute).GET().build());
    }

    HttpResponse<byte[]> delete(String path) {
        return send(HttpRequest.newBuilder(url(path)).DELETE().build());
    }

    /** @return the response to a POST of a plain body */
    HttpResponse<byte[]> send(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(url(path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    /** @return the response to a multipart upload of the parts given */
    HttpResponse<byte[]> upload(Multipart body) {
        return send(HttpRequest.newBuilder(url("/product/upload"))
                .header("Content-Type", body.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()))
                .build());
    }

    /** @return the request id of an accepted CSV upload (asserting the 200) */
    String uploadCsv(String csv) {
        return uploadCsv(csv, null);
    }

    String uploadCsv(String csv, String webhookUrl) {
        Multipart body = new Multipart().file("file", "products.csv", "text/csv", csv.getBytes(StandardCharsets.UTF_8));
        if (webhookUrl != null) {
            body.field("webhookUrl", webhookUrl);
        }
        HttpResponse<byte[]> response = upload(body);
        assertThat(response.statusCode()).as("upload answer %s", text(response)).isEqualTo(200);
        return json(response).get("requestId").asText();
    }

    JsonNode status(String requestId) {
        HttpResponse<byte[]> response = get("/product/status/" + requestId);
        assertThat(response.statusCode()).as("status answer %s", text(response)).isEqualTo(200);
        return json(response);
    }

    /** Polls the status until {@code done} holds, failing after {@link #FINISH_TIMEOUT}. */
    JsonNode awaitStatus(String requestId, Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + FINISH_TIMEOUT.toNanos();
        while (true) {
            JsonNode status = status(requestId);
            if (done.test(status)) {
                return status;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("request " + requestId + " not done within " + FINISH_TIMEOUT + ": " + status);
            }
            pause(100);
        }
    }

    /** @return the final status, once {@code completed} or {@code failed} */
    JsonNode awaitFinished(String requestId) {
        return awaitStatus(requestId, s -> s.get("status").asText().equals("completed")
                || s.get("status").asText().equals("failed"));
    }

    static JsonNode json(HttpResponse<byte[]> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text(response), e);
        }
    }

    static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A {@code multipart/form-data} body. */
    static final class Multipart {

        private final String boundary = "----imgpipe-test-" + UUID.randomUUID();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Multipart field(String name, String value) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
            return this;
        }

        Multipart file(String name, String filename, String type, byte[] content) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                    + "\"\r\nContent-Type: " + type + "\r\n\r\n");
            out.writeBytes(content);
            write("\r\n");
            return this;
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        byte[] bytes() {
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            copy.writeBytes(out.toByteArray());
            copy.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return copy.toByteArray();
        }

        private void write(String text) {
            out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
