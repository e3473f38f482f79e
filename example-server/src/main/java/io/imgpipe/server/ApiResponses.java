package io.imgpipe.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.imgpipe.CsvProblem;
import io.imgpipe.Health;
import io.imgpipe.ImageStatus;
import io.imgpipe.Progress;
import io.imgpipe.RequestSummary;
import io.imgpipe.Status;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/** The JSON bodies of the API, as records serialized in component order. */
final class ApiResponses {

    private ApiResponses() {
    }

    /**
     * An error. {@code details} appears only for refused uploads and query parameters.
     *
     * @param error what went wrong
     * @param details each problem found in the upload or the query, or {@code null}
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
     *     problem is not in the file (a missing part, a bad form field or query parameter)
     * @param column the CSV column, or the form field or query parameter, or {@code null} for the
     *     whole row or file
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
     * What compression saved over a request's completed images (one per image of a product, as
     * listed in {@code product}; an image whose sizes were not recorded is left out).
     *
     * @param images how many images are counted
     * @param sourceBytes their downloaded sizes, added up
     * @param outputBytes their compressed sizes, added up
     * @param savedBytes {@code sourceBytes - outputBytes}; negative if the outputs are larger
     * @param savedPercent {@code savedBytes} as a percentage of {@code sourceBytes}, to one
     *     decimal, or {@code null} while no image is counted
     */
    record SavingsBody(int images, long sourceBytes, long outputBytes, long savedBytes, BigDecimal savedPercent) {

        /**
         * @param images the images with sizes
         * @param source their source bytes
         * @param output their output bytes
         * @return the savings of those images
         */
        static SavingsBody of(int images, long source, long output) {
            return new SavingsBody(images, source, output, source - output, percentSaved(source, output));
        }

        private static BigDecimal percentSaved(long source, long output) {
            if (source == 0) {
                return null;
            }
            return BigDecimal.valueOf(source - output).multiply(BigDecimal.valueOf(100))
                    .divide(BigDecimal.valueOf(source), 1, RoundingMode.HALF_UP);
        }
    }

    /** @return whether the image is completed with its sizes recorded (older records have none) */
    static boolean hasSizes(ImageStatus image) {
        return image.status() == Status.COMPLETED && image.sourceBytes() > 0;
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
     * A page of the request list.
     *
     * @param requests the requests, newest first
     * @param next the cursor to pass as {@code before} for the next page, or {@code null} on the
     *     last page
     */
    record RequestPage(List<RequestSummaryBody> requests, String next) {
    }

    /**
     * A request without its products.
     *
     * @param requestId the request
     * @param status {@code pending}, {@code processing}, {@code completed} or {@code failed}
     * @param progress image counts by status
     * @param createdAt when it was uploaded (ISO-8601)
     * @param finishedAt when it finished (ISO-8601), or {@code null}
     * @param productCount how many products it has
     */
    record RequestSummaryBody(String requestId, String status, ProgressBody progress, String createdAt,
            String finishedAt, int productCount) {

        static RequestSummaryBody of(RequestSummary summary) {
            return new RequestSummaryBody(summary.requestId(), summary.status().wireName(),
                    ProgressBody.of(summary.progress()), summary.createdAt().toString(),
                    summary.finishedAt() == null ? null : summary.finishedAt().toString(), summary.productCount());
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
