package io.imgpipe.server;

import com.fasterxml.jackson.core.JsonGenerator;
import io.imgpipe.ImageStatus;
import io.imgpipe.ProductStatus;
import io.imgpipe.Progress;
import io.imgpipe.RequestSummary;
import io.imgpipe.StatusVisitor;
import io.imgpipe.server.ApiResponses.SavingsBody;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;

/**
 * Writes the body of {@code GET /product/status/{requestId}} straight to a stream with Jackson's
 * streaming generator, product by product as {@link io.imgpipe.ProcessingEngine#streamStatus}
 * hands them over: the same JSON, byte for byte, as records of each body serialized by
 * {@link Json#MAPPER} would give (the tests compare the two), without building a record per product
 * and image, or holding the request's products at all (a request of 20,000 products has 80,000 of
 * them, and its JSON is over 15 MB). The savings, which come after the products, are summed as
 * they pass. One instance per response; not thread-safe.
 */
final class StatusJson implements StatusVisitor {

    /** Opens the stream the JSON goes to, when the first byte is about to be written. */
    interface Target {

        /**
         * @return the stream, which the writer flushes but does not close
         * @throws IOException if it cannot be opened
         */
        OutputStream open() throws IOException;
    }

    private final Target target;
    private JsonGenerator json;
    private int sizedImages;
    private long sourceBytes;
    private long outputBytes;

    /**
     * @param target opened when {@link #request} is called
     */
    StatusJson(Target target) {
        this.target = target;
    }

    /** Opens the target and writes everything that comes before the products. */
    @Override
    public void request(RequestSummary request) throws IOException {
        json = Json.MAPPER.getFactory().createGenerator(target.open());
        json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        json.writeStartObject();
        json.writeStringField("requestId", request.requestId());
        json.writeStringField("status", request.status().wireName());
        writeProgress(json, request.progress());
        json.writeStringField("createdAt", request.createdAt().toString());
        json.writeStringField("finishedAt", request.finishedAt() == null ? null : request.finishedAt().toString());
        json.writeArrayFieldStart("product");
    }

    @Override
    public void product(ProductStatus product) throws IOException {
        json.writeStartObject();
        json.writeNumberField("serialNumber", product.serialNumber());
        json.writeStringField("productName", product.productName());
        json.writeStringField("status", product.status().wireName());
        json.writeArrayFieldStart("images");
        for (ImageStatus image : product.images()) {
            writeImage(json, image);
            if (ApiResponses.hasSizes(image)) {
                sizedImages++;
                sourceBytes += image.sourceBytes();
                outputBytes += image.outputBytes();
            }
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** {@return whether {@link #request} opened the target, so bytes may have been sent} */
    boolean started() {
        return json != null;
    }

    /**
     * Writes what follows the products (the savings) and flushes.
     *
     * @throws IOException if writing fails
     * @throws IllegalStateException if {@link #request} was not called
     */
    void finish() throws IOException {
        if (json == null) {
            throw new IllegalStateException("finish() before request()");
        }
        json.writeEndArray();
        writeSavings(json, SavingsBody.of(sizedImages, sourceBytes, outputBytes));
        json.writeEndObject();
        json.close();
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
