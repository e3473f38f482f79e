package io.imgpipe.server;

import io.imgpipe.CsvValidationException;
import io.imgpipe.ProcessingEngine;
import io.imgpipe.RequestNotFinishedException;
import io.imgpipe.SubmitOptions;
import io.imgpipe.server.ApiResponses.Accepted;
import io.imgpipe.server.ApiResponses.ErrorBody;
import io.imgpipe.server.ApiResponses.Problem;
import io.imgpipe.server.MultipartUpload.UploadRefusedException;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The original system's product endpoints: {@code POST /product/upload},
 * {@code GET /product/status/{requestId}}, {@code GET /product/status/{requestId}/csv} and
 * {@code DELETE /product/status/{requestId}}.
 * Thread-safe; holds no state of its own.
 */
final class ProductApi {

    /** The part holding the CSV. */
    static final String FILE_PART = "file";
    /** The optional form field with the completion webhook's URL. */
    static final String WEBHOOK_FIELD = "webhookUrl";

    private static final Logger log = LoggerFactory.getLogger(ProductApi.class);
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final String NOT_FOUND = "Products not found";
    private static final String RETRY_AFTER_SECONDS = "5";

    private final ProcessingEngine engine;
    private final UploadLimits limits;
    private final WebhookUrlCheck webhookUrls;

    /**
     * @param engine takes uploads and answers status
     * @param limits where uploads are spooled, how large and slow they may be, how many are read at once
     * @param webhookUrls checks an upload's {@code webhookUrl} against the webhook address policy
     */
    ProductApi(ProcessingEngine engine, UploadLimits limits, WebhookUrlCheck webhookUrls) {
        this.engine = engine;
        this.limits = limits;
        this.webhookUrls = webhookUrls;
    }

    /**
     * {@code POST /product/upload}: {@code 200 {"requestId"}} once the request is durably stored;
     * {@code 400} with details for an invalid CSV, an empty file, a missing part, a malformed
     * multipart body or a bad {@code webhookUrl} (one the webhook address policy refuses included);
     * {@code 408} when the body takes longer than the upload timeout to arrive; {@code 413} over the
     * upload limit; {@code 503} while the most uploads the server reads at once are being read;
     * {@code 500} on an internal failure.
     *
     * @param ctx the exchange
     */
    void upload(Context ctx) {
        if (!limits.tryAcquire()) {
            ctx.header("Retry-After", RETRY_AFTER_SECONDS).header("Connection", "close");
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(ErrorBody.of("Too many uploads in progress ("
                    + limits.maxConcurrent() + "); try again in a few seconds"));
            return;
        }
        try {
            receive(ctx);
        } finally {
            limits.release();
        }
    }

    private void receive(Context ctx) {
        MultipartUpload upload = null;
        try {
            upload = MultipartUpload.read(ctx.req(), limits.spoolDir(), limits.maxBytes(), limits.timeout());
            Part file = upload.part(FILE_PART).orElseThrow(() -> refused(FILE_PART,
                    "Missing the CSV file: send it as a multipart part named 'file'"));
            SubmitOptions options = SubmitOptions.none();
            Optional<String> webhookUrl = upload.field(WEBHOOK_FIELD);
            if (webhookUrl.isPresent()) {
                options = options.withMetadata(WebhookNotifier.WEBHOOK_URL, webhookUrls.check(webhookUrl.get()));
            }
            if (file.getSize() == 0) {
                ctx.status(HttpStatus.BAD_REQUEST).json(new ErrorBody("The uploaded file is empty",
                        List.of(new Problem(1L, null, "the file is empty: expected a header line with S. No.,"
                                + " Product Name and Input Image Urls"))));
                return;
            }
            String requestId;
            try (InputStream csv = file.getInputStream()) {
                requestId = engine.submit(csv, options);
            }
            ctx.json(new Accepted(requestId));
        } catch (UploadRefusedException e) {
            ErrorBody body = e.status() == 413 ? ErrorBody.of(e.getMessage())
                    : new ErrorBody(e.getMessage(), List.of(new Problem(null, e.field(), e.getMessage())));
            if (e.bodyMayBeUnread()) {
                ctx.header("Connection", "close");
            }
            ctx.status(e.status()).json(body);
        } catch (CsvValidationException e) {
            ctx.status(HttpStatus.BAD_REQUEST).json(new ErrorBody("Invalid CSV file",
                    e.problems().stream().map(Problem::of).toList()));
        } catch (IOException | RuntimeException e) {
            log.error("upload failed", e);
            ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).json(ErrorBody.of("Failed to process CSV file"));
        } finally {
            if (upload != null) {
                upload.deleteFiles();
            }
        }
    }

    /**
     * {@code GET /product/status/{requestId}}: the request with its products ordered by serial
     * number, streamed as the engine reads them; {@code 404} for an unknown or malformed id;
     * {@code 500} if the repository fails before any of the body was sent (after, the transfer is
     * aborted, so no client takes a short body for a whole one).
     *
     * @param ctx the exchange
     */
    void status(Context ctx) {
        String requestId = ctx.pathParam("requestId");
        if (!REQUEST_ID.matcher(requestId).matches()) {
            ctx.status(HttpStatus.NOT_FOUND).json(ErrorBody.of(NOT_FOUND));
            return;
        }
        StatusJson json = new StatusJson(() -> {
            ctx.contentType(ContentType.APPLICATION_JSON);
            return ctx.outputStream();
        });
        boolean found;
        try {
            found = engine.streamStatus(requestId, json);
            if (found) {
                json.finish();
            }
        } catch (IOException e) {
            if (ctx.res().isCommitted()) {
                log.info("writing the status of request {} stopped after part of it was sent: {}", requestId, e.toString());
                abort(ctx, e);
                return;
            }
            throw new UncheckedIOException("writing the status of request " + requestId + " failed", e);
        } catch (RuntimeException e) {
            if (ctx.res().isCommitted()) {
                log.error("reading the status of request {} failed after part of it was sent; the transfer is aborted",
                        requestId, e);
                abort(ctx, e);
                return;
            }
            log.error("reading the status of request {} failed", requestId, e);
            ctx.res().resetBuffer(); // what was buffered of the body never reached the client
            ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).json(ErrorBody.of("Failed to fetch status"));
            return;
        }
        if (!found) {
            ctx.status(HttpStatus.NOT_FOUND).json(ErrorBody.of(NOT_FOUND));
        }
    }

    /**
     * Ends the exchange without completing the response, so the client sees a failed transfer
     * (a connection closed in the middle of the body) instead of a status cut short that looks whole.
     */
    private static void abort(Context ctx, Throwable cause) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        if (request != null) {
            request.getServletChannel().abort(cause);
        } else {
            log.warn("could not abort the exchange of {}: the client may see a short body end normally", ctx.path());
        }
    }

    /**
     * {@code DELETE /product/status/{requestId}}: deletes a finished request with its output images;
     * {@code 204} when deleted, {@code 404} for an unknown or malformed id, {@code 409} while the
     * request is not finished, {@code 500} if the store or the repository failed (calling again
     * finishes the job).
     *
     * @param ctx the exchange
     */
    void delete(Context ctx) {
        String requestId = ctx.pathParam("requestId");
        if (!REQUEST_ID.matcher(requestId).matches()) {
            ctx.status(HttpStatus.NOT_FOUND).json(ErrorBody.of(NOT_FOUND));
            return;
        }
        boolean deleted;
        try {
            deleted = engine.delete(requestId);
        } catch (RequestNotFinishedException e) {
            ctx.status(HttpStatus.CONFLICT).json(ErrorBody.of("Request is not finished"));
            return;
        } catch (RuntimeException e) {
            log.error("deleting request {} failed", requestId, e);
            ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).json(ErrorBody.of("Failed to delete request"));
            return;
        }
        if (!deleted) {
            ctx.status(HttpStatus.NOT_FOUND).json(ErrorBody.of(NOT_FOUND));
            return;
        }
        log.info("request {} deleted", requestId);
        ctx.status(HttpStatus.NO_CONTENT);
    }

    /**
     * {@code GET /product/status/{requestId}/csv}: the output CSV as an attachment, streamed;
     * {@code 404} for an unknown or malformed id.
     *
     * @param ctx the exchange
     */
    void outputCsv(Context ctx) {
        String requestId = ctx.pathParam("requestId");
        if (!REQUEST_ID.matcher(requestId).matches()) {
            ctx.status(HttpStatus.NOT_FOUND).json(ErrorBody.of(NOT_FOUND));
            return;
        }
        LazyResponseWriter out = new LazyResponseWriter(ctx, requestId);
        boolean found;
        try {
            found = engine.outputCsv(requestId, out);
            out.close();
        } catch (IOException | RuntimeException e) {
            if (out.started()) {
                log.error("writing the output CSV of request {} failed part-way; aborting the response", requestId, e);
                throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
            }
            log.error("reading the output CSV of request {} failed", requestId, e);
            ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).json(ErrorBody.of("Failed to fetch status"));
            return;
        }
        if (!found) {
            ctx.status(HttpStatus.NOT_FOUND).json(ErrorBody.of(NOT_FOUND));
        }
    }

    private static UploadRefusedException refused(String field, String message) {
        return new UploadRefusedException(400, field, message);
    }

    /**
     * Commits the CSV response (status, type, attachment name) only when the first character is
     * written, so an unknown request can still be answered with a 404.
     */
    private static final class LazyResponseWriter extends Writer {

        private final Context ctx;
        private final String requestId;
        private Writer delegate;

        LazyResponseWriter(Context ctx, String requestId) {
            this.ctx = ctx;
            this.requestId = requestId;
        }

        boolean started() {
            return delegate != null;
        }

        @Override
        public void write(char[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return;
            }
            if (delegate == null) {
                ctx.status(HttpStatus.OK);
                ctx.contentType("text/csv; charset=utf-8");
                ctx.header("Content-Disposition", "attachment; filename=\"" + requestId + ".csv\"");
                OutputStream stream = ctx.res().getOutputStream();
                delegate = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            }
            delegate.write(buffer, offset, length);
        }

        @Override
        public void flush() throws IOException {
            if (delegate != null) {
                delegate.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (delegate != null) {
                delegate.close();
            }
        }
    }
}
