package io.imgpipe.server;

import com.fasterxml.jackson.core.JsonGenerator;
import io.imgpipe.ImageStatus;
import io.imgpipe.ProductStatus;
import io.imgpipe.Progress;
import io.imgpipe.RequestStatus;
import io.imgpipe.server.ApiResponses.SavingsBody;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;

/**
 * Writes the body of {@code GET /product/status/{requestId}} straight to a stream with Jackson's
 * streaming generator: the same JSON, byte for byte, as records of each body serialized by
 * {@link Json#MAPPER} would give (the tests compare the two), without building a record per product
 * and image first (a request of
 * 20,000 products has 80,000 of them, and its JSON is over 15 MB). Stateless.
 */
final class StatusJson {

    private StatusJson() {
    }

    /**
     * Writes {@code status} as JSON to {@code out}, which is flushed but not closed.
     *
     * @param status the request's status
     * @param out where the JSON goes, as UTF-8
     * @throws IOException if writing fails
     */
    static void write(RequestStatus status, OutputStream out) throws IOException {
        try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.writeStartObject();
            json.writeStringField("requestId", status.requestId());
            json.writeStringField("status", status.status().wireName());
            writeProgress(json, status.progress());
            json.writeStringField("createdAt", status.createdAt().toString());
            json.writeStringField("finishedAt", status.finishedAt() == null ? null : status.finishedAt().toString());
            json.writeArrayFieldStart("product");
            for (ProductStatus product : status.products()) {
                writeProduct(json, product);
            }
            json.writeEndArray();
            writeSavings(json, SavingsBody.of(status));
            json.writeEndObject();
        }
    }

    private static void writeProgress(JsonGenerator json, Progress progress) throws IOException {
        json.writeObjectFieldStart("progress");
        json.writeNumberField("total", progress.total());
        json.writeNumberField("pending", progress.pending());
        json.writeNumberField("processing", progress.processing());
        json.writeNumberField("completed", progress.completed());
        json.writeNumberField("failed", progress.failed());
        json.writeEndObject();
    }

    private static void writeProduct(JsonGenerator json, ProductStatus product) throws IOException {
        json.writeStartObject();
        json.writeNumberField("serialNumber", product.serialNumber());
        json.writeStringField("productName", product.productName());
        json.writeStringField("status", product.status().wireName());
        json.writeArrayFieldStart("images");
        for (ImageStatus image : product.images()) {
            writeImage(json, image);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** As {@code ImageBody.of} (the test's records): the sizes only for a completed image with recorded sizes. */
    private static void writeImage(JsonGenerator json, ImageStatus image) throws IOException {
        boolean sized = ApiResponses.hasSizes(image);
        json.writeStartObject();
        json.writeStringField("url", image.url().toString());
        URI output = image.outputUrl();
        json.writeStringField("compressedUrl", output == null ? null : output.toString());
        json.writeStringField("status", image.status().wireName());
        json.writeStringField("error", image.error());
        if (sized) {
            json.writeNumberField("sourceBytes", image.sourceBytes());
            json.writeNumberField("outputBytes", image.outputBytes());
            json.writeNumberField("width", image.width());
            json.writeNumberField("height", image.height());
        } else {
            json.writeNullField("sourceBytes");
            json.writeNullField("outputBytes");
            json.writeNullField("width");
            json.writeNullField("height");
        }
        json.writeEndObject();
    }

    private static void writeSavings(JsonGenerator json, SavingsBody savings) throws IOException {
        json.writeObjectFieldStart("savings");
        json.writeNumberField("images", savings.images());
        json.writeNumberField("sourceBytes", savings.sourceBytes());
        json.writeNumberField("outputBytes", savings.outputBytes());
        json.writeNumberField("savedBytes", savings.savedBytes());
        json.writeFieldName("savedPercent");
        if (savings.savedPercent() == null) {
            json.writeNull();
        } else {
            json.writeNumber(savings.savedPercent());
        }
        json.writeEndObject();
    }
}
