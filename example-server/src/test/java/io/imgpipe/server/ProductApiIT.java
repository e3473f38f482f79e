package io.imgpipe.server;

import static io.imgpipe.server.ApiClient.json;
import static io.imgpipe.server.ApiClient.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.server.ApiClient.Multipart;
import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The original API over real HTTP, against the server on its embedded default (embedded
 * MongoDB-compatible store, local files served at {@code /files/}), with images served by a
 * loopback test server.
 */
class ProductApiIT {

    private static final int UPLOAD_LIMIT = 64 * 1024;

    @TempDir
    static Path dataDir;

    private static TestHttpServer images;
    private static RunningServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        images = TestHttpServer.start();
        images.serve("/a.jpg", Reply.ok("image/jpeg", TestImages.jpeg(320, 200, 1)));
        images.serve("/b.png", Reply.ok("image/png", TestImages.png(200, 150, 2)));
        images.serve("/c.jpg", Reply.ok("image/jpeg", TestImages.jpeg(64, 48, 3)));
        images.serve("/d.jpg", Reply.ok("image/jpeg", TestImages.jpeg(100, 100, 4)));
        server = RunningServer.start(dataDir, Map.of("MAX_UPLOAD_BYTES", Integer.toString(UPLOAD_LIMIT)));
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
    void answersThatTheServerIsLive() {
        HttpResponse<byte[]> response = api.get("/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(text(response)).isEqualTo("Server is Live!!!");
    }

    @Test
    void processesAnUploadToCompletionWithOutputLinksThatServeTheCompressedJpegs() throws IOException {
        String requestId = api.uploadCsv("S. No.,Product Name,Input Image Urls\n"
                + "2,Shirt,\"" + images.url("/a.jpg") + "," + images.url("/b.png") + "\"\n"
                + "1,Shoes," + images.url("/c.jpg") + "\n");

        JsonNode status = api.awaitFinished(requestId);

        assertThat(status.get("requestId").asText()).isEqualTo(requestId);
        assertThat(status.get("status").asText()).isEqualTo("completed");
        assertThat(status.get("progress").get("total").asInt()).isEqualTo(3);
        assertThat(status.get("progress").get("completed").asInt()).isEqualTo(3);
        JsonNode products = status.get("product");
        assertThat(products).hasSize(2);
        assertThat(products.get(0).get("serialNumber").asLong()).isEqualTo(1);
        assertThat(products.get(0).get("productName").asText()).isEqualTo("Shoes");
        assertThat(products.get(1).get("serialNumber").asLong()).isEqualTo(2);
        assertThat(products.get(1).get("images").get(0).get("url").asText()).isEqualTo(images.url("/a.jpg").toString());
        assertThat(products.get(1).get("images").get(1).get("url").asText()).isEqualTo(images.url("/b.png").toString());
        int[][] sizes = {{64, 48}, {320, 200}, {200, 150}};
        int index = 0;
        for (JsonNode product : products) {
            assertThat(product.get("status").asText()).isEqualTo("completed");
            for (JsonNode image : product.get("images")) {
                assertThat(image.get("status").asText()).isEqualTo("completed");
                assertThat(image.get("error").isNull()).isTrue();
                URI compressed = URI.create(image.get("compressedUrl").asText());
                assertThat(compressed.toString()).startsWith(server.server().publicBaseUrl() + "/files/");
                HttpResponse<byte[]> file = api.get(compressed);
                assertThat(file.statusCode()).isEqualTo(200);
                assertThat(file.headers().firstValue("Content-Type")).hasValue("image/jpeg");
                assertThat(file.body()).startsWith(0xFF, 0xD8, 0xFF);
                BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(file.body()));
                assertThat(decoded.getWidth()).isEqualTo(sizes[index][0]);
                assertThat(decoded.getHeight()).isEqualTo(sizes[index][1]);
                index++;
            }
        }
    }

    @Test
    void reportsEachCompletedImagesSizesAndTheRequestsSavings() {
        String requestId = api.uploadCsv("S. No.,Product Name,Input Image Urls\n"
                + "1,Lamp,\"" + images.url("/a.jpg") + "," + images.url("/missing.jpg") + "\"\n"
                + "2,Desk," + images.url("/b.png") + "\n");

        JsonNode status = api.awaitFinished(requestId);

        List<String> fields = new ArrayList<>();
        status.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).as("the original fields first, unchanged")
                .containsExactly("requestId", "status", "progress", "createdAt", "finishedAt", "product", "savings");
        JsonNode jpeg = status.get("product").get(0).get("images").get(0);
        List<String> imageFields = new ArrayList<>();
        jpeg.fieldNames().forEachRemaining(imageFields::add);
        assertThat(imageFields).containsExactly("url", "compressedUrl", "status", "error", "sourceBytes", "outputBytes",
                "width", "height");
        assertThat(jpeg.get("sourceBytes").asLong()).isEqualTo(TestImages.jpeg(320, 200, 1).length);
        byte[] output = api.get(URI.create(jpeg.get("compressedUrl").asText())).body();
        assertThat(jpeg.get("outputBytes").asLong()).as("the stored output's size").isEqualTo(output.length);
        assertThat(jpeg.get("width").asInt()).isEqualTo(320);
        assertThat(jpeg.get("height").asInt()).isEqualTo(200);
        JsonNode failed = status.get("product").get(0).get("images").get(1);
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(List.of(failed.get("sourceBytes"), failed.get("outputBytes"), failed.get("width"), failed.get("height")))
                .allMatch(JsonNode::isNull);
        JsonNode png = status.get("product").get(1).get("images").get(0);
        long source = jpeg.get("sourceBytes").asLong() + png.get("sourceBytes").asLong();
        long out = jpeg.get("outputBytes").asLong() + png.get("outputBytes").asLong();
        JsonNode savings = status.get("savings");
        assertThat(savings.get("images").asInt()).isEqualTo(2);
        assertThat(savings.get("sourceBytes").asLong()).isEqualTo(source);
        assertThat(savings.get("outputBytes").asLong()).isEqualTo(out);
        assertThat(savings.get("savedBytes").asLong()).isEqualTo(source - out);
        assertThat(savings.get("savedPercent").decimalValue())
                .isEqualByComparingTo(java.math.BigDecimal.valueOf(Math.round((source - out) * 1000.0 / source) / 10.0));
    }

    @Test
    void leavesTheSizesNullUntilAnImageIsCompleted() {
        images.serve("/later.jpg", Reply.ok("image/jpeg", TestImages.jpeg(64, 48, 6)).delayedBy(Duration.ofSeconds(3)));
        String requestId = api.uploadCsv("S. No.,Product Name,Input Image Urls\n1,Hat," + images.url("/later.jpg") + "\n");

        JsonNode status = api.status(requestId);

        JsonNode image = status.get("product").get(0).get("images").get(0);
        assertThat(image.get("status").asText()).isIn("pending", "processing");
        assertThat(image.get("sourceBytes").isNull()).isTrue();
        assertThat(image.get("width").isNull()).isTrue();
        assertThat(status.get("savings").get("images").asInt()).isZero();
        assertThat(status.get("savings").get("savedPercent").isNull()).isTrue();
        assertThat(api.awaitFinished(requestId).get("savings").get("images").asInt()).isEqualTo(1);
    }

    @Test
    void servesTheOutputCsvWithTheOutputUrlsInInputOrder() throws IOException {
        String input = "S. No.,Product Name,Input Image Urls\n"
                + "1,Hat,\"" + images.url("/d.jpg") + ", " + images.url("/c.jpg") + "\"\n"
                + "2,Scarf," + images.url("/a.jpg") + "\n";
        String requestId = api.uploadCsv(input);
        JsonNode status = api.awaitFinished(requestId);

        HttpResponse<byte[]> response = api.get("/product/status/" + requestId + "/csv");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(response.headers().firstValue("Content-Disposition").orElse(""))
                .isEqualTo("attachment; filename=\"" + requestId + ".csv\"");
        List<CSVRecord> rows = CSVFormat.RFC4180.parse(new StringReader(text(response))).getRecords();
        assertThat(rows.get(0).values()).containsExactly("S. No.", "Product Name", "Input Image Urls", "Output Image Urls");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(1).get(0)).isEqualTo("1");
        assertThat(rows.get(1).get(1)).isEqualTo("Hat");
        assertThat(rows.get(1).get(3)).isEqualTo(compressedUrls(status.get("product").get(0)));
        assertThat(rows.get(2).get(1)).isEqualTo("Scarf");
        assertThat(rows.get(2).get(3)).isEqualTo(compressedUrls(status.get("product").get(1)));
    }

    @Test
    void deletesAFinishedRequestWithItsOutputImages() {
        String requestId = api.uploadCsv("S. No.,Product Name,Input Image Urls\n1,Hat," + images.url("/c.jpg") + "\n");
        JsonNode status = api.awaitFinished(requestId);
        URI output = URI.create(status.get("product").get(0).get("images").get(0).get("compressedUrl").asText());
        assertThat(api.get(output).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> deleted = api.delete("/product/status/" + requestId);

        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(api.get("/product/status/" + requestId).statusCode()).isEqualTo(404);
        assertThat(api.get(output).statusCode()).as("the output image is gone too").isEqualTo(404);
        assertThat(api.delete("/product/status/" + requestId).statusCode()).isEqualTo(404);
    }

    @Test
    void refusesToDeleteARequestStillInProgress() {
        images.serve("/slow.jpg", Reply.ok("image/jpeg", TestImages.jpeg(64, 48, 5)).delayedBy(Duration.ofSeconds(3)));
        String requestId = api.uploadCsv("S. No.,Product Name,Input Image Urls\n1,Hat," + images.url("/slow.jpg") + "\n");

        HttpResponse<byte[]> response = api.delete("/product/status/" + requestId);

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(json(response).get("error").asText()).isEqualTo("Request is not finished");
        assertThat(api.awaitFinished(requestId).get("status").asText()).isEqualTo("completed");
    }

    @Test
    void reportsAnImageThatCannotBeFetchedAsFailedWithItsError() {
        String requestId = api.uploadCsv("S. No.,Product Name,Input Image Urls\n"
                + "1,Lamp,\"" + images.url("/c.jpg") + "," + images.url("/missing.jpg") + "\"\n");

        JsonNode status = api.awaitFinished(requestId);

        assertThat(status.get("status").asText()).isEqualTo("failed");
        JsonNode failed = status.get("product").get(0).get("images").get(1);
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("compressedUrl").isNull()).isTrue();
        assertThat(failed.get("error").asText()).contains("404");
        assertThat(status.get("product").get(0).get("images").get(0).get("status").asText()).isEqualTo("completed");
    }

    @Test
    void refusesAnInvalidCsvListingEachProblemWithItsLineAndColumn() {
        HttpResponse<byte[]> response = api.upload(new Multipart().file("file", "bad.csv", "text/csv",
                ("S. No.,Product Name,Input Image Urls\n"
                        + "1,Good," + images.url("/a.jpg") + "\n"
                        + "2,Bad,ftp://example.com/x.jpg\n"
                        + "3,,https://example.com/y.jpg\n").getBytes(StandardCharsets.UTF_8)));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.get("error").asText()).isEqualTo("Invalid CSV file");
        List<String> details = new ArrayList<>();
        body.get("details").forEach(d -> details.add(d.get("line").asLong() + "|" + d.get("column").asText()));
        assertThat(details).containsExactly("3|Input Image Urls", "4|Product Name");
        assertThat(body.get("details").get(0).get("message").asText()).contains("ftp://example.com/x.jpg");
    }

    @Test
    void refusesAnEmptyFile() {
        HttpResponse<byte[]> response = api.upload(new Multipart().file("file", "empty.csv", "text/csv", new byte[0]));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.get("error").asText()).isEqualTo("The uploaded file is empty");
        assertThat(body.get("details").get(0).get("line").asLong()).isEqualTo(1);
    }

    @Test
    void refusesAnUploadWithoutTheFilePart() {
        HttpResponse<byte[]> response = api.upload(new Multipart().field("webhookUrl", "https://example.com/hook"));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.get("error").asText()).contains("'file'");
        assertThat(body.get("details").get(0).get("column").asText()).isEqualTo("file");
    }

    @Test
    void refusesABodyThatIsNotMultipart() {
        HttpResponse<byte[]> response = api.send("/product/upload", "text/csv", "S. No.,Product Name,Input Image Urls\n");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("error").asText()).contains("multipart/form-data");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/hook", "/relative/hook", "not a url", "https://user:pw@example.com/hook",
            "mailto:ops@example.com", "https://example.com:99999/hook", "https://example.com:0/hook"})
    void refusesAWebhookUrlThatIsNotAnAbsoluteHttpUrl(String webhookUrl) {
        HttpResponse<byte[]> response = api.upload(new Multipart()
                .file("file", "p.csv", "text/csv", ("S. No.,Product Name,Input Image Urls\n1,A," + images.url("/a.jpg") + "\n")
                        .getBytes(StandardCharsets.UTF_8))
                .field("webhookUrl", webhookUrl));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.get("error").asText()).startsWith("Invalid webhookUrl");
        assertThat(body.get("details").get(0).get("column").asText()).isEqualTo("webhookUrl");
    }

    @Test
    void refusesAFileOverTheUploadLimitWhileReadingIt() {
        byte[] big = csvOfSize(UPLOAD_LIMIT + 4096);

        HttpResponse<byte[]> response = api.upload(new Multipart().file("file", "big.csv", "text/csv", big));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response).get("error").asText()).contains(Integer.toString(UPLOAD_LIMIT));
        assertThat(response.headers().firstValue("Connection")).as("the unread rest ends the connection").hasValue("close");
    }

    @Test
    void refusesADeclaredLengthOverTheUploadLimitBeforeReading() {
        byte[] huge = csvOfSize(UPLOAD_LIMIT * 3);

        HttpResponse<byte[]> response = api.upload(new Multipart().file("file", "huge.csv", "text/csv", huge));

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void acceptsAFileJustUnderTheUploadLimit() {
        HttpResponse<byte[]> response = api.upload(new Multipart().file("file", "ok.csv", "text/csv",
                csvOfSize(UPLOAD_LIMIT - 100)));

        assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
    }

    @Test
    void answers404ForAnUnknownRequestId() {
        String unknown = UUID.randomUUID().toString();

        HttpResponse<byte[]> status = api.get("/product/status/" + unknown);
        HttpResponse<byte[]> csv = api.get("/product/status/" + unknown + "/csv");

        assertThat(status.statusCode()).isEqualTo(404);
        assertThat(json(status).get("error").asText()).isEqualTo("Products not found");
        assertThat(csv.statusCode()).isEqualTo(404);
        assertThat(json(csv).get("error").asText()).isEqualTo("Products not found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not%20an%20id", "%24where", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "%7B%22%24gt%22%3A%22%22%7D"})
    void answers404ForAMalformedRequestId(String id) {
        HttpResponse<byte[]> response = api.get("/product/status/" + id);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).get("error").asText()).isEqualTo("Products not found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/files/imgpipe.mv.db", "/files/..%2Fimgpipe.mv.db", "/files/%2E%2E/imgpipe.mv.db",
            "/files/nothing-here.jpg", "/files/a//b.jpg"})
    void servesNoFileOutsideTheImageStoreOrMissing(String path) {
        HttpResponse<byte[]> response = api.get(path);

        assertThat(response.statusCode()).isIn(400, 404);
        assertThat(text(response)).doesNotContain("H:2");
    }

    @Test
    void reportsHealthyWhenRepositoryAndObjectStoreAnswer() {
        HttpResponse<byte[]> response = api.get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("status").asText()).isEqualTo("up");
        assertThat(body.get("repository").get("status").asText()).isEqualTo("up");
        assertThat(body.get("objectStore").get("status").asText()).isEqualTo("up");
    }

    private static String compressedUrls(JsonNode product) {
        List<String> urls = new ArrayList<>();
        product.get("images").forEach(image -> urls.add(image.get("compressedUrl").asText()));
        return String.join(",", urls);
    }

    private static byte[] csvOfSize(int bytes) {
        StringBuilder csv = new StringBuilder("S. No.,Product Name,Input Image Urls\n");
        int serial = 1;
        while (csv.length() < bytes - 80) {
            csv.append(serial).append(",Product ").append(serial).append(',').append(images.url("/a.jpg")).append('\n');
            serial++;
        }
        return csv.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
