package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.ProcessingEngine;
import io.imgpipe.RepositoryException;
import io.imgpipe.local.FileSystemObjectStore;
import io.imgpipe.local.FileSystemStoreConfig;
import io.imgpipe.local.InMemoryProductRepository;
import io.imgpipe.spi.ProductRecord;
import io.imgpipe.spi.RequestRecord;
import io.imgpipe.testkit.ForwardingProductRepository;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /product/status/{id}} when the repository fails: a {@code 500} while none of the body
 * has been sent, a transfer that fails (never a {@code 200} that looks whole) once some has.
 */
class StatusStreamFailureTest {

    private static final int PRODUCTS = 3_000; // far more JSON than Jetty buffers before sending

    @TempDir
    Path dir;

    private final InMemoryProductRepository memory = new InMemoryProductRepository();
    private final Failing repository = new Failing(memory);
    private final HttpClient client = HttpClient.newHttpClient();
    private ProcessingEngine engine;
    private Javalin app;
    private String requestId;

    @BeforeEach
    void setUp() throws IOException {
        engine = ProcessingEngine.builder()
                .repository(repository)
                .objectStore(new FileSystemObjectStore(new FileSystemStoreConfig(dir, URI.create("http://127.0.0.1/files/"))))
                .build();
        StringBuilder csv = new StringBuilder("S. No.,Product Name,Input Image Urls\n");
        for (int i = 1; i <= PRODUCTS; i++) {
            csv.append(i).append(",Product ").append(i).append(",https://img.example.com/").append(i).append(".jpg\n");
        }
        requestId = engine.submit(new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)));
        ProductApi api = new ProductApi(engine, null, null);
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            config.routes.get("/product/status/{requestId}", api::status);
        }).start("127.0.0.1", 0);
    }

    @AfterEach
    void tearDown() {
        app.stop();
        engine.close();
    }

    @Test
    void aStatusThatStreamsCompletelyIsWholeJson() throws Exception {
        HttpResponse<String> response = get();

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertThat(body.get("product")).hasSize(PRODUCTS);
        assertThat(body.get("savings").get("images").asInt()).isZero();
    }

    @Test
    void aFailureBeforeTheBodyIsA500WithAnErrorBody() throws Exception {
        repository.failFind = true;

        HttpResponse<String> response = get();

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(Json.MAPPER.readTree(response.body()).get("error").asText()).isEqualTo("Failed to fetch status");
    }

    @Test
    void aFailureInTheFirstProductsIsStillA500BecauseNothingWasSentYet() throws Exception {
        repository.failAfterProducts = 0;

        HttpResponse<String> response = get();

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(Json.MAPPER.readTree(response.body()).get("error").asText()).isEqualTo("Failed to fetch status");
    }

    @Test
    void aFailureAfterTheBodyStartedFailsTheTransferInsteadOfEndingTheJsonEarly() {
        repository.failAfterProducts = PRODUCTS - 10;

        assertThatThrownBy(this::get).isInstanceOf(IOException.class);
    }

    private HttpResponse<String> get() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/product/status/" + requestId))
                .timeout(Duration.ofSeconds(30)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Fails finding requests, or reading products after a number of them, when told to. */
    private static final class Failing extends ForwardingProductRepository {

        volatile boolean failFind;
        volatile int failAfterProducts = -1;

        Failing(InMemoryProductRepository delegate) {
            super(delegate);
        }

        @Override
        public Optional<RequestRecord> findRequest(String requestId) {
            if (failFind) {
                throw new RepositoryException("the database is down", null, true);
            }
            return super.findRequest(requestId);
        }

        @Override
        public void forEachProductBySerialNumber(String requestId, Consumer<ProductRecord> action) {
            int[] handed = {0};
            super.forEachProductBySerialNumber(requestId, product -> {
                if (handed[0]++ == failAfterProducts) {
                    throw new RepositoryException("the database went down while reading", null, true);
                }
                action.accept(product);
            });
        }
    }
}
