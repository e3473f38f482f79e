package io.imgpipe.server;

import static io.imgpipe.server.ApiClient.json;
import static io.imgpipe.server.ApiClient.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.server.ApiClient.Multipart;
import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ROLE=api} and {@code ROLE=worker} servers sharing one MongoDB (mongo-java-server in this
 * JVM) and one image directory. {@link PostgresRolesIT} runs the same on PostgreSQL.
 */
class RolesIT {

    private static final byte[] JPEG = TestImages.jpeg(120, 90, 11);

    @TempDir
    Path dataDir;

    private SharedMongo mongo;
    private TestHttpServer images;
    private final List<RunningServer> servers = new ArrayList<>();

    @BeforeEach
    void start() {
        images = TestHttpServer.start();
        for (int i = 1; i <= 12; i++) {
            images.serve("/" + i + ".jpg", Reply.ok("image/jpeg", JPEG).delayedBy(Duration.ofMillis(150)));
        }
    }

    @AfterEach
    void stop() {
        servers.forEach(RunningServer::close);
        images.close();
        if (mongo != null) {
            mongo.close();
        }
        afterServersStopped();
    }

    /** Called once every server of a test has stopped, to drop what the shared database holds. */
    protected void afterServersStopped() {
    }

    /** @return the variables that point every server of a test at the same shared database */
    protected Map<String, String> sharedDatabase() {
        if (mongo == null) {
            mongo = SharedMongo.start();
        }
        return Map.of("MONGODB_URI", mongo.uri(), "MONGODB_DATABASE", "roles");
    }

    @Test
    void apiRoleStoresUploadsAndAnswersStatusButNeverProcesses() {
        RunningServer api = server("api");

        String requestId = api.client().uploadCsv(csv(3));
        ApiClient.pause(1500);

        JsonNode status = api.client().status(requestId);
        assertThat(status.get("status").asText()).isEqualTo("pending");
        assertThat(status.get("progress").get("pending").asInt()).isEqualTo(3);
        assertThat(images.requests()).isEmpty();
    }

    @Test
    void workerRoleServesOnlyTheRootAndHealth() {
        RunningServer worker = server("worker");
        ApiClient client = worker.client();

        assertThat(text(client.get("/"))).isEqualTo("Server is Live!!!");
        assertThat(client.get("/health").statusCode()).isEqualTo(200);
        assertThat(client.upload(new Multipart().file("file", "p.csv", "text/csv",
                csv(1).getBytes(StandardCharsets.UTF_8))).statusCode()).isEqualTo(404);
        assertThat(client.get("/product/status/00000000-0000-0000-0000-000000000000").statusCode()).isEqualTo(404);
        assertThat(client.get("/files/x/1-0.jpg").statusCode()).isEqualTo(404);
    }

    @Test
    void workersShareTheRequestsAnApiServerTookAndProcessEachImageOnce() {
        RunningServer api = server("api");
        String requestId = api.client().uploadCsv(csv(12));
        server("worker");
        server("worker");

        JsonNode status = api.client().awaitFinished(requestId);

        assertThat(status.get("status").asText()).isEqualTo("completed");
        assertThat(status.get("progress").get("completed").asInt()).isEqualTo(12);
        for (int i = 1; i <= 12; i++) {
            assertThat(images.hits("/" + i + ".jpg")).as("fetches of image %d", i).isEqualTo(1);
        }
        for (JsonNode product : status.get("product")) {
            URI output = URI.create(product.get("images").get(0).get("compressedUrl").asText());
            assertThat(output.toString()).startsWith(api.server().publicBaseUrl() + "/files/");
            assertThat(api.client().get(output).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void allRoleOnTheSharedDatabaseProcessesOnItsOwn() {
        RunningServer all = server("all");

        JsonNode status = all.client().awaitFinished(all.client().uploadCsv(csv(2)));

        assertThat(status.get("status").asText()).isEqualTo("completed");
        assertThat(json(all.client().get("/health")).get("repository").get("status").asText()).isEqualTo("up");
    }

    private RunningServer server(String role) {
        Map<String, String> variables = new java.util.HashMap<>(sharedDatabase());
        variables.put("ROLE", role);
        RunningServer server = RunningServer.start(dataDir, variables);
        servers.add(server);
        return server;
    }

    private String csv(int products) {
        StringBuilder csv = new StringBuilder("S. No.,Product Name,Input Image Urls\n");
        for (int i = 1; i <= products; i++) {
            csv.append(i).append(",Product ").append(i).append(',').append(images.url("/" + i + ".jpg")).append('\n');
        }
        return csv.toString();
    }
}
