package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.imgpipe.server.ApiClient.Multipart;
import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.RecordedRequest;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

/**
 * {@code /openapi.json} against the code: the document the server serves parses as OpenAPI 3.1
 * without a message, documents every route the server has, and every real answer of every
 * endpoint (and the webhook) validates against the schema the document gives for its operation,
 * status and media type, with its required headers. The last test checks that every documented
 * answer was seen, except the few listed in {@link #NOT_PROVOKED} with the reason; so an
 * undocumented answer, or a documented one no test produces, fails. Run the class whole: the
 * last test counts what the others exercised.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiIT {

    /** Where the document is registered for the validator, so that its {@code $ref}s resolve. */
    private static final String DOCUMENT_IRI = "https://imgpipe.test/openapi.json";
    private static final String HEADER = "S. No.,Product Name,Input Image Urls\n";
    private static final int UPLOAD_LIMIT = 64 * 1024;
    private static final String SECRET = "openapi-it-webhook-secret";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    /** Documented answers no test here can bring about, with why. */
    private static final Map<String, String> NOT_PROVOKED = notProvoked();

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> exercised = new ConcurrentSkipListSet<>();

    @TempDir
    static Path dataDir;
    @TempDir
    static Path brokenDataDir;

    private static TestHttpServer images;
    private static RunningServer server;
    private static String documentText;
    private static JsonNode document;
    private static SchemaRegistry schemas;
    private static final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @BeforeAll
    static void start() {
        images = TestHttpServer.start();
        images.serve("/a.jpg", Reply.ok("image/jpeg", TestImages.jpeg(120, 80, 1)));
        images.serve("/b.png", Reply.ok("image/png", TestImages.png(60, 40, 2)));
        images.serve("/slow.jpg", Reply.ok("image/jpeg", TestImages.jpeg(64, 48, 3)).delayedBy(Duration.ofSeconds(3)));
        images.serve("/hooks/finished", Reply.status(204));
        server = RunningServer.start(dataDir, Map.of("MAX_UPLOAD_BYTES", Integer.toString(UPLOAD_LIMIT),
                "WEBHOOK_SECRET", SECRET));
        HttpResponse<byte[]> served = server.client().get("/openapi.json");
        assertThat(served.statusCode()).isEqualTo(200);
        documentText = new String(served.body(), StandardCharsets.UTF_8);
        document = JSON.readTree(documentText);
        schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, builder -> builder
                .schemas(Map.of(DOCUMENT_IRI, documentText))
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (images != null) {
            images.close();
        }
    }

    @Test
    @Order(1)
    void isAnOpenApi31DocumentThatParsesWithoutMessages() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);

        SwaggerParseResult result = new OpenAPIV3Parser().readContents(documentText, null, options);

        assertThat(result.getMessages()).isEmpty();
        OpenAPI api = result.getOpenAPI();
        assertThat(api.getSpecVersion()).isEqualTo(SpecVersion.V31);
        assertThat(api.getOpenapi()).isEqualTo("3.1.0");
        assertThat(api.getWebhooks()).containsOnlyKeys("request.finished");
        assertThat(api.getPaths()).containsKeys("/", "/health", "/product/upload", "/product/requests",
                "/product/status/{requestId}", "/product/status/{requestId}/csv", "/files/{key}", "/openapi.json", "/metrics");
        assertThat(api.getPaths().get("/product/status/{requestId}").getDelete()).isNotNull();
    }

    @Test
    @Order(2)
    void theSchemasRefuseWhatTheyDoNotDescribe() {
        String status = "/paths/~1product~1status~1{requestId}/get/responses/200/content/application~1json/schema";
        JsonNode valid = JSON.readTree("{\"requestId\":\"r-1\",\"status\":\"completed\",\"progress\":{\"total\":0,"
                + "\"pending\":0,\"processing\":0,\"completed\":0,\"failed\":0},\"createdAt\":\"2026-03-01T11:58:12.345Z\","
                + "\"finishedAt\":null,\"product\":[],\"savings\":{\"images\":0,\"sourceBytes\":0,\"outputBytes\":0,"
                + "\"savedBytes\":0,\"savedPercent\":null}}");
        assertValid(status, valid, "a valid status");

        assertThat(errors(status, JSON.readTree("{\"requestId\":\"r-1\"}"))).as("missing fields").isNotEmpty();
        assertThat(errors(status, ((tools.jackson.databind.node.ObjectNode) valid.deepCopy()).put("extra", 1)))
                .as("an undocumented field").isNotEmpty();
        assertThat(errors(status, ((tools.jackson.databind.node.ObjectNode) valid.deepCopy()).put("status", "done")))
                .as("a status word not in the enum").isNotEmpty();
        assertThat(errors(status, ((tools.jackson.databind.node.ObjectNode) valid.deepCopy()).put("createdAt", "yesterday")))
                .as("a time that is not a date-time").isNotEmpty();
        assertThat(errors("/components/headers/ETag/schema", StringNode.valueOf("W/weak"))).as("a header").isNotEmpty();
    }

    @Test
    @Order(3)
    void documentsEveryRouteTheServerServesAndNoOther() {
        Set<String> routes = server.server().routes().stream()
                .map(route -> route.replace('<', '{').replace('>', '}'))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> documented = new TreeSet<>();
        document.get("paths").properties().forEach(path -> path.getValue().properties().stream()
                .filter(operation -> METHODS.contains(operation.getKey()))
                .forEach(operation -> documented.add(operation.getKey().toUpperCase(Locale.ROOT) + " "
                        + withoutTrailingSlash(path.getKey()))));

        assertThat(documented).as("documented operations (a trailing slash is the same route)").isEqualTo(routes);
    }

    @Test
    @Order(4)
    void theServersOwnEndpointsAnswerAsDocumented() {
        call("GET", "/", "/");
        call("GET", "/health", "/health");
        HttpResponse<byte[]> openApi = call("GET", "/openapi.json", "/openapi.json");
        call("GET", "/openapi.json", "/openapi.json", request -> request.header("If-None-Match", etag(openApi)));
        call("GET", "/metrics", "/metrics");

        call("GET", "/ui", "/ui");
        HttpResponse<byte[]> console = call("GET", "/ui/", "/ui/");
        call("GET", "/ui/", "/ui/", request -> request.header("If-None-Match", etag(console)));
        for (String asset : List.of("index.html", "request.html", "app.css", "console.js", "index.js", "request.js",
                "icon.svg")) {
            HttpResponse<byte[]> file = call("GET", "/ui/{asset}", "/ui/" + asset);
            assertThat(file.statusCode()).as(asset).isEqualTo(200);
        }
        HttpResponse<byte[]> script = call("GET", "/ui/{asset}", "/ui/console.js");
        call("GET", "/ui/{asset}", "/ui/console.js", request -> request.header("If-None-Match", etag(script)));
        call("GET", "/ui/{asset}", "/ui/nothing-here.js");
    }

    @Test
    @Order(5)
    void theProductEndpointsAnswerAsDocumented() {
        String finished = upload(HEADER + "1,Hat,\"" + images.url("/a.jpg") + ", " + images.url("/missing.jpg") + "\"\n"
                + "2,Cap," + images.url("/b.png") + "\n", null);
        String slow = upload(HEADER + "1,Mug," + images.url("/slow.jpg") + "\n", images.url("/hooks/finished").toString());
        call("GET", "/product/status/{requestId}", "/product/status/" + slow); // unfinished: sizes are null
        call("DELETE", "/product/status/{requestId}", "/product/status/" + slow); // 409
        awaitFinished(finished);
        awaitFinished(slow);

        call("POST", "/product/upload", "/product/upload", multipart(new Multipart().file("file", "bad.csv", "text/csv",
                (HEADER + "1,,ftp://example.com/x.jpg\n").getBytes(StandardCharsets.UTF_8))));
        call("POST", "/product/upload", "/product/upload", multipart(new Multipart().file("file", "p.csv", "text/csv",
                (HEADER + "1,A," + images.url("/a.jpg") + "\n").getBytes(StandardCharsets.UTF_8))
                .field("webhookUrl", "ftp://example.com/hook")));
        call("POST", "/product/upload", "/product/upload", request -> request.header("Content-Type", "text/csv")
                .POST(BodyPublishers.ofString(HEADER)));
        call("POST", "/product/upload", "/product/upload", multipart(new Multipart().file("file", "big.csv", "text/csv",
                bigCsv())));

        HttpResponse<byte[]> status = call("GET", "/product/status/{requestId}", "/product/status/" + finished);
        assertThat(JSON.readTree(status.body()).get("status").asString()).isEqualTo("failed");
        call("GET", "/product/status/{requestId}", "/product/status/00000000-0000-0000-0000-000000000000");
        call("GET", "/product/status/{requestId}", "/product/status/not%20an%20id");
        call("GET", "/product/status/{requestId}/csv", "/product/status/" + finished + "/csv");
        call("GET", "/product/status/{requestId}/csv", "/product/status/00000000-0000-0000-0000-000000000000/csv");

        HttpResponse<byte[]> firstPage = call("GET", "/product/requests", "/product/requests?limit=1");
        String next = JSON.readTree(firstPage.body()).get("next").asString();
        call("GET", "/product/requests", "/product/requests?limit=1&before=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        call("GET", "/product/requests", "/product/requests");
        call("GET", "/product/requests", "/product/requests?limit=0");
        call("GET", "/product/requests", "/product/requests?before=not-a-cursor");

        String compressedUrl = JSON.readTree(status.body()).get("product").get(0).get("images").get(0)
                .get("compressedUrl").asString();
        String key = URI.create(compressedUrl).getPath().substring("/files/".length());
        call("GET", "/files/{key}", "/files/" + key);
        call("GET", "/files/{key}", "/files/" + finished + "/no-such-image.jpg");

        call("DELETE", "/product/status/{requestId}", "/product/status/" + finished);
        call("DELETE", "/product/status/{requestId}", "/product/status/" + finished);
    }

    @Test
    @Order(6)
    void healthAnswersAsDocumentedWhenTheImageStoreIsGone() throws IOException {
        try (RunningServer broken = RunningServer.start(brokenDataDir)) {
            Path imagesDir = brokenDataDir.resolve("images");
            try (Stream<Path> files = Files.walk(imagesDir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }

            HttpResponse<byte[]> health = exchange(broken.client().url("/health"), "GET", "/health",
                    request -> request.GET());

            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(health.body()).get("objectStore").get("status").asString()).isEqualTo("down");
        }
    }

    @Test
    @Order(7)
    void theWebhookIsSentAsDocumented() {
        RecordedRequest delivery = awaitDelivery("/hooks/finished");
        JsonNode operation = document.get("webhooks").get("request.finished").get("post");

        for (JsonNode parameter : operation.get("parameters")) {
            String name = parameter.get("name").asString();
            String value = delivery.headers().get(name.toLowerCase(Locale.ROOT));
            if (parameter.path("required").asBoolean(false)) {
                assertThat(value).as("webhook header %s", name).isNotNull();
            }
            if (value != null) {
                assertValid("/webhooks/request.finished/post/parameters/" + indexOf(operation.get("parameters"), parameter)
                        + "/schema", StringNode.valueOf(value), "webhook header " + name);
            }
        }
        assertThat(delivery.headers()).containsKey("x-imgpipe-signature");
        assertThat(delivery.headers().get("content-type")).startsWith("application/json");
        assertValid("/webhooks/request.finished/post/requestBody/content/application~1json/schema",
                JSON.readTree(delivery.body()), "webhook body");
        exercised.add("webhook request.finished");
    }

    @Test
    @Order(100)
    void everyDocumentedAnswerWasExercised() {
        Set<String> documented = new TreeSet<>();
        document.get("paths").properties().forEach(path -> path.getValue().properties().stream()
                .filter(operation -> METHODS.contains(operation.getKey()))
                .forEach(operation -> operation.getValue().get("responses").propertyNames().forEach(status ->
                        documented.add(answer(operation.getKey(), path.getKey(), status)))));
        document.get("webhooks").propertyNames().forEach(name -> documented.add("webhook " + name));

        assertThat(NOT_PROVOKED.keySet()).as("answers listed as not provoked are documented").isSubsetOf(documented);
        Set<String> missing = new TreeSet<>(documented);
        missing.removeAll(exercised);
        missing.removeAll(NOT_PROVOKED.keySet());
        assertThat(missing).as("documented answers no test produced").isEmpty();
        assertThat(exercised).as("answers seen").isSubsetOf(documented);
    }

    // ---- Exchanges, validated as they happen ------------------------------------------------

    private static HttpResponse<byte[]> call(String method, String template, String path) {
        return call(method, template, path, request -> request.method(method, BodyPublishers.noBody()));
    }

    private static HttpResponse<byte[]> call(String method, String template, String path,
            UnaryOperator<HttpRequest.Builder> customizer) {
        return exchange(server.client().url(path), method, template, customizer);
    }

    /**
     * Sends a request and checks its answer against the document: the operation and its status are
     * documented, the body has a documented media type and validates against its schema (or is
     * empty when none is documented), and every required header is present and valid.
     */
    private static HttpResponse<byte[]> exchange(URI url, String method, String template,
            UnaryOperator<HttpRequest.Builder> customizer) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30));
        if (method.equals("GET")) {
            builder.GET();
        }
        HttpRequest request = customizer.apply(builder).build();
        assertThat(request.method()).isEqualTo(method);
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        String operationPointer = "/paths/" + escape(template) + "/" + method.toLowerCase(Locale.ROOT);
        JsonNode operation = document.at(operationPointer);
        String what = method + " " + url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery())
                + " -> " + response.statusCode();
        if (operation.isMissingNode()) {
            fail("undocumented operation: %s %s", method, template);
        }
        String status = Integer.toString(response.statusCode());
        String responsePointer = operationPointer + "/responses/" + status;
        JsonNode answer = document.at(responsePointer);
        if (answer.isMissingNode()) {
            fail("undocumented answer %s for %s %s: %s", status, method, template,
                    new String(response.body(), StandardCharsets.UTF_8));
        }
        if (answer.has("$ref")) {
            responsePointer = answer.get("$ref").asString().substring(1);
            answer = document.at(responsePointer);
        }
        checkHeaders(answer, responsePointer, response, what);
        checkBody(answer, responsePointer, response, what);
        exercised.add(answer(method, template, status));
        return response;
    }

    private static void checkBody(JsonNode answer, String pointer, HttpResponse<byte[]> response, String what) {
        JsonNode content = answer.path("content");
        if (content.isMissingNode()) {
            assertThat(response.body()).as("%s: no body documented", what).isEmpty();
            return;
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        String mediaType = contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        String documented = content.propertyNames().stream().filter(type -> matches(type, mediaType)).findFirst()
                .orElseThrow(() -> new AssertionError(what + ": Content-Type '" + contentType + "' is not one of "
                        + content.propertyNames()));
        String schemaPointer = pointer + "/content/" + escape(documented) + "/schema";
        if (mediaType.equals("application/json")) {
            assertValid(schemaPointer, JSON.readTree(response.body()), what);
        } else if (mediaType.startsWith("text/")) {
            assertValid(schemaPointer, StringNode.valueOf(new String(response.body(), StandardCharsets.UTF_8)), what);
        } else {
            assertThat(response.body()).as("%s: a body", what).isNotEmpty();
        }
    }

    private static void checkHeaders(JsonNode answer, String pointer, HttpResponse<byte[]> response, String what) {
        JsonNode headers = answer.path("headers");
        for (String name : headers.propertyNames()) {
            String headerPointer = pointer + "/headers/" + escape(name);
            JsonNode header = headers.get(name);
            if (header.has("$ref")) {
                headerPointer = header.get("$ref").asString().substring(1);
                header = document.at(headerPointer);
            }
            var value = response.headers().firstValue(name);
            if (header.path("required").asBoolean(false)) {
                assertThat(value).as("%s: required header %s", what, name).isPresent();
            }
            if (value.isPresent() && header.has("schema")) {
                assertValid(headerPointer + "/schema", StringNode.valueOf(value.get()), what + ", header " + name);
            }
        }
    }

    private static void assertValid(String pointer, JsonNode instance, String what) {
        assertThat(errors(pointer, instance)).as("%s: %s against %s", what, instance, pointer).isEmpty();
    }

    private static List<Error> errors(String pointer, JsonNode instance) {
        assertThat(document.at(pointer).isObject()).as("a schema at %s", pointer).isTrue();
        Schema schema = schemas.getSchema(SchemaLocation.of(DOCUMENT_IRI + "#" + pointer));
        return schema.validate(instance);
    }

    // ---- Helpers -----------------------------------------------------------------------------

    private static String upload(String csv, String webhookUrl) {
        Multipart body = new Multipart().file("file", "products.csv", "text/csv", csv.getBytes(StandardCharsets.UTF_8));
        if (webhookUrl != null) {
            body.field("webhookUrl", webhookUrl);
        }
        HttpResponse<byte[]> response = call("POST", "/product/upload", "/product/upload", multipart(body));
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body()).get("requestId").asString();
    }

    private static UnaryOperator<HttpRequest.Builder> multipart(Multipart body) {
        BodyPublisher publisher = BodyPublishers.ofByteArray(body.bytes());
        return request -> request.header("Content-Type", body.contentType()).POST(publisher);
    }

    private static void awaitFinished(String requestId) {
        server.client().awaitFinished(requestId);
    }

    private static RecordedRequest awaitDelivery(String path) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (RecordedRequest request : images.requests()) {
                if (request.path().equals(path)) {
                    return request;
                }
            }
            ApiClient.pause(50);
        }
        throw new AssertionError("no webhook delivered to " + path);
    }

    private static byte[] bigCsv() {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 1; csv.length() < UPLOAD_LIMIT + 4096; i++) {
            csv.append(i).append(",Product ").append(i).append(',').append(images.url("/a.jpg")).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String etag(HttpResponse<byte[]> response) {
        return response.headers().firstValue("ETag").orElseThrow(() -> new AssertionError("no ETag"));
    }

    private static String answer(String method, String template, String status) {
        return method.toUpperCase(Locale.ROOT) + " " + template + " " + status;
    }

    private static boolean matches(String documented, String actual) {
        if (documented.endsWith("/*")) {
            return actual.startsWith(documented.substring(0, documented.length() - 1));
        }
        return documented.equals(actual);
    }

    private static String withoutTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static int indexOf(JsonNode array, JsonNode element) {
        for (int i = 0; i < array.size(); i++) {
            if (array.get(i) == element) {
                return i;
            }
        }
        throw new IllegalArgumentException("not in the array");
    }

    /** @return a JSON pointer token: {@code ~} and {@code /} escaped */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static Map<String, String> notProvoked() {
        Map<String, String> reasons = new TreeMap<>();
        String failure = "needs a repository or object store that fails mid-request";
        for (String answer : List.of("POST /product/upload 500", "GET /product/requests 500",
                "GET /product/status/{requestId} 500", "DELETE /product/status/{requestId} 500",
                "GET /product/status/{requestId}/csv 500")) {
            reasons.put(answer, failure);
        }
        String starting = "answered only when the stores take over 60 s to open, or fail to (StartupReadinessIT shows"
                + " that requests during start-up wait instead)";
        for (String answer : List.of("GET / 503", "POST /product/upload 503", "GET /product/requests 503",
                "GET /product/status/{requestId} 503", "DELETE /product/status/{requestId} 503",
                "GET /product/status/{requestId}/csv 503", "GET /files/{key} 503")) {
            reasons.put(answer, starting);
        }
        reasons.put("POST /product/upload 408", "needs a client slower than UPLOAD_TIMEOUT_SECONDS (UploadHardeningIT"
                + " provokes it)");
        return reasons;
    }
}
