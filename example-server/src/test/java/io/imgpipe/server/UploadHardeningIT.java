package io.imgpipe.server;

import static io.imgpipe.server.ApiClient.json;
import static io.imgpipe.server.ApiClient.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.server.ApiClient.Multipart;
import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Uploads from careless or hostile clients: malformed multipart bodies get a clean {@code 400}
 * (never a Java exception's text), a {@code webhookUrl} the webhook address policy refuses is
 * refused at upload, and slow-drip uploads are cut off without slowing down anyone else.
 */
class UploadHardeningIT {

    private static final String BOUNDARY = "b0undary";
    private static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;
    private static final String CSV_HEADER = "S. No.,Product Name,Input Image Urls\n";

    @TempDir
    Path dataDir;

    private TestHttpServer images;
    private final List<RunningServer> servers = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void serveImages() {
        images = TestHttpServer.start();
        images.serve("/a.jpg", Reply.ok("image/jpeg", TestImages.jpeg(64, 48, 1)));
    }

    @AfterEach
    void stopAll() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        servers.forEach(RunningServer::close);
        images.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            part without Content-Disposition | --b0undary\\r\\nContent-Type: text/csv\\r\\n\\r\\nS. No.\\r\\n--b0undary--\\r\\n | a part has no Content-Disposition header with a form-data name
            Content-Disposition without name | --b0undary\\r\\nContent-Disposition: form-data\\r\\n\\r\\nS. No.\\r\\n--b0undary--\\r\\n | a part has no Content-Disposition header with a form-data name
            header line without colon        | --b0undary\\r\\nnot a header\\r\\n\\r\\nS. No.\\r\\n--b0undary--\\r\\n | a part has no Content-Disposition header with a form-data name
            no closing boundary              | --b0undary\\r\\nContent-Disposition: form-data; name="file"; filename="p.csv"\\r\\n\\r\\nS. No.,Product Name\\r\\n | the body ended before its closing boundary
            part headers never end           | --b0undary\\r\\nContent-Disposition: form-data; name="file" | the body ended before its closing boundary
            another boundary                 | --other\\r\\nContent-Disposition: form-data; name="file"\\r\\n\\r\\nS. No.\\r\\n--other--\\r\\n | uses the boundary declared in the Content-Type header
            not multipart at all             | hello | uses the boundary declared in the Content-Type header
            empty body                       | ''    | the body ended before its closing boundary
            only the closing boundary        | --b0undary--\\r\\n | Missing the CSV file
            """)
    void answersAMalformedMultipartBodyWithACleanBadRequest(String form, String body, String problem) {
        RunningServer server = start(Map.of());

        HttpResponse<byte[]> response = server.client().send("/product/upload", MULTIPART, unescape(body));

        assertCleanBadRequest(response, form);
        assertThat(json(response).get("error").asText()).contains(problem);
        assertNoRequestCreated(server);
    }

    @ParameterizedTest
    @ValueSource(strings = {"multipart/form-data", "multipart/form-data; charset=utf-8", "multipart/form-data; boundary="})
    void answersAMultipartTypeWithoutBoundaryWithACleanBadRequest(String contentType) {
        RunningServer server = start(Map.of());

        HttpResponse<byte[]> response = server.client().send("/product/upload", contentType,
                "--b0undary\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nS. No.\r\n--b0undary--\r\n");

        assertCleanBadRequest(response, contentType);
        assertThat(json(response).get("error").asText()).contains("boundary");
    }

    @Test
    void answersABodyCutShortOfItsContentLengthWithoutAServerError() throws IOException {
        RunningServer server = start(Map.of());
        Socket socket = connect(server);
        String part = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.csv\"\r\n\r\n"
                + CSV_HEADER;
        OutputStream out = socket.getOutputStream();
        out.write(("POST /product/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + MULTIPART
                + "\r\nContent-Length: 100000\r\n\r\n" + part).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        socket.shutdownOutput();

        String answer = readAnswer(socket);

        assertThat(answer).doesNotContain("Exception").doesNotContain("java.");
        if (!answer.isEmpty()) {
            assertThat(answer).startsWith("HTTP/1.1 400");
        }
        assertNoRequestCreated(server);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data", "http://[fe80::1]/hook", "http://0.0.0.0:8080/hook"})
    void refusesAWebhookUrlAtAnAddressThePolicyRefusesEvenWithPrivateNetworksAllowed(String webhookUrl) {
        RunningServer server = start(Map.of("FETCH_ALLOW_PRIVATE_NETWORKS", "true"));

        HttpResponse<byte[]> response = server.client().upload(csvWith(webhookUrl));

        assertRefusedWebhook(response, "refused by the address policy");
        assertNoRequestCreated(server);
    }

    @Test
    void refusesALoopbackWebhookUrlUnderThePublicOnlyPolicy() {
        RunningServer server = start(Map.of("FETCH_ALLOW_PRIVATE_NETWORKS", "false"));

        HttpResponse<byte[]> response = server.client().upload(csvWith("http://127.0.0.1:" + images.port() + "/hook"));

        assertRefusedWebhook(response, "address 127.0.0.1 is refused by the address policy (public addresses only");
        assertNoRequestCreated(server);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://0177.0.0.1/hook", "http://2130706433/hook", "http://0x7f.1/hook", "http://127.1/hook"})
    void refusesAWebhookUrlWithAnAmbiguousNumericHost(String webhookUrl) {
        RunningServer server = start(Map.of("FETCH_ALLOW_PRIVATE_NETWORKS", "true"));

        HttpResponse<byte[]> response = server.client().upload(csvWith(webhookUrl));

        assertRefusedWebhook(response, "ambiguous numeric address");
        assertNoRequestCreated(server);
    }

    @Test
    void acceptsAWebhookUrlThePolicyAllows() {
        RunningServer server = start(Map.of("FETCH_ALLOW_PRIVATE_NETWORKS", "true"));

        HttpResponse<byte[]> response = server.client().upload(csvWith("http://127.0.0.1:" + images.port() + "/hook"));

        assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
    }

    @Test
    void cutsOffASlowDripUploadAtTheUploadTimeoutWithA408() throws IOException {
        RunningServer server = start(Map.of("UPLOAD_TIMEOUT_SECONDS", "2", "HTTP_IDLE_TIMEOUT_SECONDS", "30"));
        ScheduledExecutorService drips = Executors.newSingleThreadScheduledExecutor();
        try {
            Socket socket = startSlowDrip(server, drips);

            String answer = readAnswer(socket);

            assertThat(answer).startsWith("HTTP/1.1 408");
            assertThat(answer).contains("did not arrive within 2 seconds").doesNotContain("Exception");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(spooledFiles()).as("spooled parts").isEmpty());
        } finally {
            drips.shutdownNow();
        }
    }

    @Test
    void closesAnUploadThatStallsAtTheIdleTimeout() throws IOException {
        RunningServer server = start(Map.of("UPLOAD_TIMEOUT_SECONDS", "600", "HTTP_IDLE_TIMEOUT_SECONDS", "1"));
        Socket socket = connect(server);
        socket.getOutputStream().write(("POST /product/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + MULTIPART
                + "\r\nContent-Length: 100000\r\n\r\n--" + BOUNDARY + "\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();

        String answer = readAnswer(socket);

        assertThat(answer).as("a 408 or a closed connection").satisfiesAnyOf(
                a -> assertThat(a).isEmpty(), a -> assertThat(a).startsWith("HTTP/1.1 408"));
        assertThat(answer).doesNotContain("Exception");
    }

    @Test
    void aNormalUploadAndAStatusReadAreServedWhileFiftySlowDripUploadsAreConnected() throws Exception {
        RunningServer server = start(Map.of("UPLOAD_TIMEOUT_SECONDS", "60"));
        String earlier = server.client().uploadCsv(CSV_HEADER + "1,Earlier," + images.url("/a.jpg") + "\n");
        ScheduledExecutorService drips = Executors.newScheduledThreadPool(2);
        try {
            List<Socket> slow = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                slow.add(startSlowDrip(server, drips));
            }

            CompletableFuture<HttpResponse<byte[]>> upload = CompletableFuture.supplyAsync(() -> server.client()
                    .upload(new Multipart().file("file", "p.csv", "text/csv",
                            (CSV_HEADER + "1,Normal," + images.url("/a.jpg") + "\n").getBytes(StandardCharsets.UTF_8))));
            CompletableFuture<HttpResponse<byte[]>> status = CompletableFuture.supplyAsync(
                    () -> server.client().get("/product/status/" + earlier));

            await().atMost(Duration.ofSeconds(20)).until(() -> upload.isDone() && status.isDone());
            assertThat(upload.get().statusCode()).as(text(upload.get())).isEqualTo(200);
            assertThat(status.get().statusCode()).isEqualTo(200);
            assertThat(slow).as("the slow-drip clients are still connected and unanswered")
                    .allSatisfy(socket -> assertThat(socket.getInputStream().available()).isZero());
        } finally {
            drips.shutdownNow();
        }
    }

    @Test
    void refusesUploadsBeyondTheConcurrencyLimitAtOnceAndStillServesStatus() throws Exception {
        RunningServer server = start(Map.of("MAX_CONCURRENT_UPLOADS", "2", "UPLOAD_TIMEOUT_SECONDS", "60"));
        String earlier = server.client().uploadCsv(CSV_HEADER + "1,Earlier," + images.url("/a.jpg") + "\n");
        ScheduledExecutorService drips = Executors.newSingleThreadScheduledExecutor();
        try {
            startSlowDrip(server, drips);
            startSlowDrip(server, drips);

            List<HttpResponse<byte[]>> answers = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                answers.add(server.client().upload(csvWith(null)));
                return answers.get(answers.size() - 1).statusCode() == 503;
            });

            HttpResponse<byte[]> refused = answers.get(answers.size() - 1);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(json(refused).get("error").asText()).startsWith("Too many uploads in progress");
            assertThat(server.client().get("/product/status/" + earlier).statusCode()).isEqualTo(200);
        } finally {
            drips.shutdownNow();
        }
    }

    /**
     * Opens an upload whose declared body is large and sends it one byte every 100 ms.
     *
     * @return the client's socket, to read the answer from
     */
    private Socket startSlowDrip(RunningServer server, ScheduledExecutorService drips)
            throws IOException {
        Socket socket = connect(server);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /product/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + MULTIPART
                + "\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] body = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.csv\"\r\n\r\n"
                + CSV_HEADER + "1,Slow,http://127.0.0.1/x.jpg\n".repeat(2000)).getBytes(StandardCharsets.US_ASCII);
        int[] next = {0};
        drips.scheduleWithFixedDelay(() -> {
            try {
                if (next[0] < body.length && !socket.isClosed()) {
                    out.write(body[next[0]++]);
                    out.flush();
                }
            } catch (IOException e) {
                next[0] = body.length; // cut off by the server
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
        return socket;
    }

    /** @return the files in the upload spools of the servers started here, other than their lock files */
    private List<Path> spooledFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(Files::isRegularFile).filter(file -> file.toString().contains("/uploads/"))
                    .filter(file -> !file.getFileName().toString().equals(".lock")).toList();
        }
    }

    private Socket connect(RunningServer server) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
        sockets.add(socket);
        return socket;
    }

    /** @return what the server sent until it closed the connection (or 30 s of silence) */
    private static String readAnswer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder answer = new StringBuilder();
        byte[] buffer = new byte[8192];
        try {
            for (int read; (read = in.read(buffer)) >= 0; ) {
                answer.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                if (answer.indexOf("\r\n\r\n") > 0 && answer.indexOf("}") > 0) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer and no close within 30 s; so far: " + answer, e);
        } catch (IOException e) {
            // reset by the server after its answer
        }
        return answer.toString();
    }

    private Multipart csvWith(String webhookUrl) {
        Multipart body = new Multipart().file("file", "p.csv", "text/csv",
                (CSV_HEADER + "1,A," + images.url("/a.jpg") + "\n").getBytes(StandardCharsets.UTF_8));
        return webhookUrl == null ? body : body.field("webhookUrl", webhookUrl);
    }

    private static void assertRefusedWebhook(HttpResponse<byte[]> response, String problem) {
        assertThat(response.statusCode()).as(text(response)).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.get("error").asText()).contains("webhookUrl").contains(problem);
        assertThat(body.get("details").get(0).get("column").asText()).isEqualTo("webhookUrl");
    }

    private static void assertCleanBadRequest(HttpResponse<byte[]> response, String form) {
        assertThat(response.statusCode()).as("%s: %s", form, text(response)).isEqualTo(400);
        String error = json(response).get("error").asText();
        assertThat(error).as(form).isNotBlank()
                .doesNotContain("Exception").doesNotContain("java.").doesNotContain("null")
                .doesNotContain("org.eclipse");
        assertThat(text(response)).doesNotContain("Exception");
    }

    private static void assertNoRequestCreated(RunningServer server) {
        HttpResponse<byte[]> list = server.client().get("/product/requests");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(json(list).get("requests")).as("requests stored").isEmpty();
    }

    private RunningServer start(Map<String, String> overrides) {
        RunningServer server = RunningServer.start(dataDir.resolve("data-" + servers.size()), overrides);
        servers.add(server);
        return server;
    }

    private static String unescape(String body) {
        return body.replace("\\r\\n", "\r\n");
    }
}
