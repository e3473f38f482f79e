package io.imgpipe.server;

import io.imgpipe.ImageStatus;
import io.imgpipe.ProductStatus;
import io.imgpipe.RequestStatus;
import java.util.List;

/**
 * The status endpoint's JSON as records, serialized by Jackson in component order: the oracle that
 * {@link StatusJsonTest} compares {@link StatusJson}'s streamed bytes with. The server itself
 * streams the status without building these (a large request has tens of thousands of images).
 */
final class StatusBodyRecords {

    private StatusBodyRecords() {
    }

    /**
     * A request's status. The fields before {@code savings} are the original API's, unchanged.
     *
     * @param requestId the request
     * @param status {@code pending}, {@code processing}, {@code completed} or {@code failed}
     * @param progress image counts by status
     * @param createdAt when it was uploaded (ISO-8601)
     * @param finishedAt when it finished (ISO-8601), or {@code null}
     * @param product the products, ordered by serial number
     * @param savings the bytes in and out of the images completed so far
     */
    record StatusBody(String requestId, String status, ApiResponses.ProgressBody progress, String createdAt, String finishedAt,
            List<ProductBody> product, ApiResponses.SavingsBody savings) {

        static StatusBody of(RequestStatus status) {
            List<ProductBody> products = status.products().stream().map(ProductBody::of).toList();
            return new StatusBody(status.requestId(), status.status().wireName(), ApiResponses.ProgressBody.of(status.progress()),
                    status.createdAt().toString(), status.finishedAt() == null ? null : status.finishedAt().toString(),
                    products, savings(status));
        }

        /** Sums the sizes of the completed images that have them, independently of the writer's running sums. */
        private static ApiResponses.SavingsBody savings(RequestStatus status) {
            int images = 0;
            long source = 0;
            long output = 0;
            for (ProductStatus product : status.products()) {
                for (ImageStatus image : product.images()) {
                    if (ApiResponses.hasSizes(image)) {
                        images++;
                        source += image.sourceBytes();
                        output += image.outputBytes();
                    }
                }
            }
            return ApiResponses.SavingsBody.of(images, source, output);
        }
    }

    /**
     * A product's status.
     *
     * @param serialNumber its {@code S. No.}
     * @param productName its name
     * @param status derived from its images
     * @param images its images, in the order of the input cell
     */
    record ProductBody(long serialNumber, String productName, String status, List<ImageBody> images) {

        static ProductBody of(ProductStatus product) {
            return new ProductBody(product.serialNumber(), product.productName(), product.status().wireName(),
                    product.images().stream().map(ImageBody::of).toList());
        }
    }

    /**
     * An image's status. The first four fields are the original API's, unchanged; the sizes are
     * {@code null} until the image is completed (and for images completed before sizes were
     * recorded).
     *
     * @param url the input URL
     * @param compressedUrl where the compressed image is downloaded, once completed
     * @param status the image's status
     * @param error why the last attempt failed, or {@code null}
     * @param sourceBytes the size of the downloaded source, or {@code null}
     * @param outputBytes the size of the compressed output, or {@code null}
     * @param width the output's width in pixels, or {@code null}
     * @param height the output's height in pixels, or {@code null}
     */
    record ImageBody(String url, String compressedUrl, String status, String error, Long sourceBytes, Long outputBytes,
            Integer width, Integer height) {

        static ImageBody of(ImageStatus image) {
            boolean sized = ApiResponses.hasSizes(image);
            return new ImageBody(image.url().toString(), image.outputUrl() == null ? null : image.outputUrl().toString(),
                    image.status().wireName(), image.error(),
                    sized ? image.sourceBytes() : null, sized ? image.outputBytes() : null,
                    sized ? image.width() : null, sized ? image.height() : null);
        }
    }
}
