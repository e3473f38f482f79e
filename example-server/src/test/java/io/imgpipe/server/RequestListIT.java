package io.imgpipe.server;

import static io.imgpipe.server.ApiClient.json;
import static io.imgpipe.server.ApiClient.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code GET /product/requests} over real HTTP, on the embedded default. The tests share one server:
 * each looks at the requests it uploaded, which are the newest.
 */
class RequestListIT {

    private static final String HEADER = "S. No.,Product Name,Input Image Urls\n";

    @TempDir
    static Path dataDir;

    private static TestHttpServer images;
    private static RunningServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        images = TestHttpServer.start();
        images.serve("/a.jpg", Reply.ok("image/jpeg", TestImages.jpeg(64, 48, 1)));
        server = RunningServer.start(dataDir);
        api = server.client();
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
    void listsRequestsNewestFirstWithoutTheirProducts() {
        String older = api.uploadCsv(HEADER + "1,Hat," + images.url("/a.jpg") + "\n2,Cap," + images.url("/a.jpg") + "\n");
        api.awaitFinished(older);
        String newer = api.uploadCsv(HEADER + "1,Mug," + images.url("/a.jpg") + "\n");

        JsonNode requests = list("?limit=2").get("requests");

        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).get("requestId").asText()).isEqualTo(newer);
        JsonNode first = requests.get(1);
        assertThat(first.get("requestId").asText()).isEqualTo(older);
        assertThat(first.get("status").asText()).isEqualTo("completed");
        assertThat(first.get("productCount").asInt()).isEqualTo(2);
        assertThat(first.get("progress").get("total").asInt()).isEqualTo(2);
        assertThat(first.get("progress").get("completed").asInt()).isEqualTo(2);
        assertThat(first.get("createdAt").asText()).isNotBlank();
        assertThat(first.get("finishedAt").isNull()).isFalse();
        List<String> fields = new ArrayList<>();
        first.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("requestId", "status", "progress", "createdAt", "finishedAt", "productCount");
        api.awaitFinished(newer);
    }

    @Test
    void pagesThroughEveryRequestOnceWithTheNextCursorUntilItIsNull() {
        List<String> uploaded = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            uploaded.add(api.uploadCsv(HEADER + "1,Item " + i + "," + images.url("/a.jpg") + "\n"));
        }

        List<String> paged = new ArrayList<>();
        String query = "?limit=3";
        while (true) {
            JsonNode page = list(query);
            assertThat(page.get("requests").size()).isBetween(1, 3);
            page.get("requests").forEach(request -> paged.add(request.get("requestId").asText()));
            if (page.get("next").isNull()) {
                break;
            }
            query = "?limit=3&before=" + URLEncoder.encode(page.get("next").asText(), StandardCharsets.UTF_8);
        }

        List<String> all = new ArrayList<>();
        list("?limit=100").get("requests").forEach(request -> all.add(request.get("requestId").asText()));
        assertThat(all).as("fewer than 100 requests in this test's server").hasSizeLessThan(100);
        assertThat(paged).as("every request once, in the order of one big page").containsExactlyElementsOf(all);
        Collections.reverse(uploaded);
        assertThat(paged.subList(0, 7)).as("newest first").containsExactlyElementsOf(uploaded);
    }

    @Test
    void listsTwentyRequestsWhenNoLimitIsGiven() {
        for (int i = 0; i < 21; i++) {
            api.uploadCsv(HEADER + "1,Item " + i + "," + images.url("/a.jpg") + "\n");
        }

        JsonNode page = list("");

        assertThat(page.get("requests")).hasSize(RequestListing.DEFAULT_LIMIT);
        assertThat(page.get("next").isNull()).isFalse();
        assertThat(list("?limit=21").get("requests")).hasSize(21);
    }

    @Test
    void aCursorStaysValidWhenItsRequestIsDeleted() {
        String older = api.uploadCsv(HEADER + "1,Hat," + images.url("/a.jpg") + "\n");
        String middle = api.uploadCsv(HEADER + "1,Cap," + images.url("/a.jpg") + "\n");
        String newest = api.uploadCsv(HEADER + "1,Mug," + images.url("/a.jpg") + "\n");
        JsonNode firstPage = list("?limit=2");
        assertThat(firstPage.get("requests").get(1).get("requestId").asText()).isEqualTo(middle);
        api.awaitFinished(middle);
        assertThat(api.delete("/product/status/" + middle).statusCode()).isEqualTo(204);

        JsonNode next = list("?limit=1&before=" + firstPage.get("next").asText());

        assertThat(firstPage.get("requests").get(0).get("requestId").asText()).isEqualTo(newest);
        assertThat(next.get("requests")).extracting(r -> r.get("requestId").asText()).containsExactly(older);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-1", "abc", "", "2.5", "99999999999"})
    void refusesALimitThatIsNotFrom1To100NamingTheParameter(String limit) {
        HttpResponse<byte[]> response = api.get("/product/requests?limit=" + URLEncoder.encode(limit, StandardCharsets.UTF_8));

        assertThat(response.statusCode()).as(text(response)).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.get("error").asText()).startsWith("Invalid limit").contains("from 1 to 100");
        assertThat(body.get("details").get(0).get("column").asText()).isEqualTo("limit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nope", "%24where", "MjAyNi0wMy0wMVQwMDowMDowMFo", "MjAyNi0wMy0wMVQwMDowMDowMFogJGd0"})
    void refusesABeforeThatIsNotACursorNamingTheParameter(String before) {
        HttpResponse<byte[]> response = api.get("/product/requests?before=" + before);

        assertThat(response.statusCode()).as(text(response)).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.get("error").asText()).startsWith("Invalid before");
        assertThat(body.get("details").get(0).get("column").asText()).isEqualTo("before");
    }

    private JsonNode list(String query) {
        HttpResponse<byte[]> response = api.get("/product/requests" + query);
        assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
        return json(response);
    }
}
