package io.imgpipe.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.imgpipe.CsvProblem;
import io.imgpipe.Health;
import io.imgpipe.ImageStatus;
import io.imgpipe.ProductStatus;
import io.imgpipe.Progress;
import io.imgpipe.RequestStatus;
import java.util.List;

/** The JSON bodies of the API, as records serialized in component order. */
final class ApiResponses {

    private ApiResponses() {
    }

    /**
     * An error. {@code details} appears only for refused uploads.
     *
     * @param error what went wrong
     * @param details each problem found in the upload, or {@code null}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ErrorBody(String error, List<Problem> details) {

        static ErrorBody of(String error) {
            return new ErrorBody(error, null);
        }
    }

    /**
     * One problem of a refused upload.
     *
     * @param line the 1-based line of the file (1 is the header), or {@code null} when the
     *     problem is not in the file (a missing part, a bad form field)
     * @param column the CSV column, or the form field, or {@code null} for the whole row or file
     * @param message what is wrong
     */
    record Problem(Long line, String column, String message) {

        static Problem of(CsvProblem problem) {
            return new Problem(problem.line(), problem.column(), problem.message());
        }
    }

    /** @param requestId the id of the stored request */
    record Accepted(String requestId) {
    }

    /**
     * A request's status.
     *
     * @param requestId the request
     * @param status {@code pending}, {@code processing}, {@code completed} or {@code failed}
     * @param progress image counts by status
     * @param createdAt when it was uploaded (ISO-8601)
     * @param finishedAt when it finished (ISO-8601), or {@code null}
     * @param product the products, ordered by serial number
     */
    record StatusBody(String requestId, String status, ProgressBody progress, String createdAt, String finishedAt,
            List<ProductBody> product) {

        static StatusBody of(RequestStatus status) {
            return new StatusBody(status.requestId(), status.status().wireName(), ProgressBody.of(status.progress()),
                    status.createdAt().toString(), status.finishedAt() == null ? null : status.finishedAt().toString(),
                    status.products().stream().map(ProductBody::of).toList());
        }
    }

    /**
     * Image counts.
     *
     * @param total all images
     * @param pending waiting for a worker or a retry
     * @param processing claimed by a worker
     * @param completed compressed and stored
     * @param failed given up on
     */
    record ProgressBody(int total, int pending, int processing, int completed, int failed) {

        static ProgressBody of(Progress progress) {
            return new ProgressBody(progress.total(), progress.pending(), progress.processing(), progress.completed(),
                    progress.failed());
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
     * An image's status.
     *
     * @param url the input URL
     * @param compressedUrl where the compressed image is downloaded, once completed
     * @param status the image's status
     * @param error why the last attempt failed, or {@code null}
     */
    record ImageBody(String url, String compressedUrl, String status, String error) {

        static ImageBody of(ImageStatus image) {
            return new ImageBody(image.url().toString(), image.outputUrl() == null ? null : image.outputUrl().toString(),
                    image.status().wireName(), image.error());
        }
    }

    /**
     * Whether the server can work.
     *
     * @param status {@code up}, {@code down} or {@code starting}
     * @param repository the repository's state, or {@code null} while starting
     * @param objectStore the object store's state, or {@code null} while starting
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record HealthBody(String status, Component repository, Component objectStore) {

        static HealthBody of(Health health) {
            return new HealthBody(health.isUp() ? "up" : "down", component(health.repositoryUp()),
                    component(health.objectStoreUp()));
        }

        /** The driver's or SDK's error text stays in the server log: it can name internal hosts. */
        private static Component component(boolean up) {
            return up ? new Component("up", null) : new Component("down", "unreachable; see the server log");
        }

        static HealthBody starting() {
            return new HealthBody("starting", null, null);
        }
    }

    /**
     * One dependency's state.
     *
     * @param status {@code up} or {@code down}
     * @param error why it is down, or {@code null}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Component(String status, String error) {
    }
}
