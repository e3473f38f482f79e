package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.ImageStatus;
import io.imgpipe.ProductStatus;
import io.imgpipe.Progress;
import io.imgpipe.RequestStatus;
import io.imgpipe.RequestSummary;
import io.imgpipe.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusJsonTest {

    private static final Instant CREATED = Instant.parse("2026-12-03T05:00:00.123456Z");

    @Test
    void writesTheSameBytesAsTheStatusBodyRecord() throws Exception {
        ImageStatus completed = new ImageStatus(URI.create("https://img.example/a%20b.jpg?x=1&y=\u00e9"), Status.COMPLETED,
                URI.create("http://127.0.0.1:8080/files/r/1-1.jpg"), null, 1, 250_000, 90_001, 816, 612);
        ImageStatus completedWithoutSizes = new ImageStatus(URI.create("https://img.example/old.jpg"), Status.COMPLETED,
                URI.create("http://127.0.0.1:8080/files/r/1-2.jpg"), null, 1, 0, 0, 0, 0);
        ImageStatus failed = new ImageStatus(URI.create("https://img.example/broken.jpg"), Status.FAILED, null,
                "HTTP 404 \"Not Found\"\n\tat line 1 \u2028", 3, 0, 0, 0, 0);
        ImageStatus pending = new ImageStatus(URI.create("https://img.example/p.png"), Status.PENDING, null,
                "retrying: timeout", 1, 0, 0, 0, 0);
        List<ProductStatus> products = List.of(
                new ProductStatus(1, "Caf\u00e9 \"\u00e0 la\" <b>", Status.COMPLETED, List.of(completed, completedWithoutSizes)),
                new ProductStatus(2, "Broken", Status.FAILED, List.of(failed)),
                new ProductStatus(3, "Waiting", Status.PENDING, List.of(pending)),
                new ProductStatus(4, "No images", Status.PENDING, List.of()));
        RequestStatus processing = new RequestStatus("req-1", Status.PROCESSING, CREATED, null,
                new Progress(4, 1, 0, 2, 1), Map.of("k", "v"), products);
        RequestStatus finished = new RequestStatus("req-2", Status.FAILED, CREATED, CREATED.plusSeconds(61),
                new Progress(4, 0, 0, 3, 1), Map.of(), products);
        RequestStatus empty = new RequestStatus("req-3", Status.PENDING, CREATED, null, new Progress(0, 0, 0, 0, 0),
                Map.of(), List.of());

        for (RequestStatus status : List.of(processing, finished, empty)) {
            String expected = new String(Json.bytes(StatusBodyRecords.StatusBody.of(status)), StandardCharsets.UTF_8);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            write(status, out);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
        }
    }

    @Test
    void leavesTheStreamOpen() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public void close() {
                throw new AssertionError("the stream must not be closed");
            }
        };
        write(new RequestStatus("req-4", Status.PENDING, CREATED, null, new Progress(0, 0, 0, 0, 0),
                Map.of(), List.of()), out);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("{\"requestId\":\"req-4\"").endsWith("}");
    }

    /** Streams a whole status through the writer, as the server does product by product. */
    private static void write(RequestStatus status, OutputStream out) throws IOException {
        StatusJson writer = new StatusJson(() -> out);
        writer.request(new RequestSummary(status.requestId(), status.status(), status.createdAt(), status.finishedAt(),
                status.products().size(), status.progress()));
        for (ProductStatus product : status.products()) {
            writer.product(product);
        }
        writer.finish();
    }
}
