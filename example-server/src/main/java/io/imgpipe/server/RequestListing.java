package io.imgpipe.server;

import io.imgpipe.ProcessingEngine;
import io.imgpipe.RequestSummary;
import io.imgpipe.server.ApiResponses.ErrorBody;
import io.imgpipe.server.ApiResponses.Problem;
import io.imgpipe.server.ApiResponses.RequestPage;
import io.imgpipe.server.ApiResponses.RequestSummaryBody;
import io.imgpipe.spi.RequestCursor;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /product/requests?limit=&before=}: the requests, newest first, a page at a time,
 * without their products. {@code before} is an opaque cursor taken from the {@code next} of the
 * previous page (the base64url of the last request's creation time and id); it stays valid when
 * that request is deleted. Thread-safe; holds no state of its own.
 */
final class RequestListing {

    /** The query parameter with the page size. */
    static final String LIMIT = "limit";
    /** The query parameter with the cursor. */
    static final String BEFORE = "before";
    /** Requests per page when {@code limit} is absent. */
    static final int DEFAULT_LIMIT = 20;
    /** The largest {@code limit} accepted. */
    static final int MAX_LIMIT = 100;

    private static final Logger log = LoggerFactory.getLogger(RequestListing.class);
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,4}");
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final int MAX_CURSOR_CHARS = 200;
    private static final char SEPARATOR = ' ';

    private final ProcessingEngine engine;

    /** @param engine lists the requests */
    RequestListing(ProcessingEngine engine) {
        this.engine = engine;
    }

    /**
     * {@code 200 {"requests": [...], "next": cursor or null}}; {@code 400} naming the parameter for
     * a {@code limit} that is not an integer from 1 to {@value #MAX_LIMIT} or a {@code before} that
     * is not a cursor; {@code 500} if the repository fails.
     *
     * @param ctx the exchange
     */
    void list(Context ctx) {
        int limit;
        RequestCursor before;
        try {
            limit = limit(ctx.queryParam(LIMIT));
            before = before(ctx.queryParam(BEFORE));
        } catch (InvalidParameterException e) {
            ctx.status(HttpStatus.BAD_REQUEST).json(new ErrorBody(e.getMessage(),
                    List.of(new Problem(null, e.parameter, e.getMessage()))));
            return;
        }
        List<RequestSummary> found;
        try {
            found = engine.listRequests(limit + 1, before);
        } catch (RuntimeException e) {
            log.error("listing requests failed", e);
            ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).json(ErrorBody.of("Failed to list requests"));
            return;
        }
        List<RequestSummary> page = found.size() > limit ? found.subList(0, limit) : found;
        String next = found.size() > limit ? encode(page.get(limit - 1).cursor()) : null;
        ctx.json(new RequestPage(page.stream().map(RequestSummaryBody::of).toList(), next));
    }

    /**
     * @param cursor a position in the list
     * @return its opaque form: base64url, without padding, of the creation time and the id
     */
    static String encode(RequestCursor cursor) {
        String plain = cursor.createdAt().toString() + SEPARATOR + cursor.requestId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param value an opaque cursor
     * @return the position it stands for
     * @throws IllegalArgumentException if it is not a cursor made by {@link #encode}
     */
    static RequestCursor decode(String value) {
        if (value.length() > MAX_CURSOR_CHARS) {
            throw new IllegalArgumentException("too long");
        }
        String plain = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
        int separator = plain.indexOf(SEPARATOR);
        if (separator < 0) {
            throw new IllegalArgumentException("no separator");
        }
        String requestId = plain.substring(separator + 1);
        if (!REQUEST_ID.matcher(requestId).matches()) {
            throw new IllegalArgumentException("not a request id");
        }
        try {
            return new RequestCursor(Instant.parse(plain.substring(0, separator)), requestId);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a time", e);
        }
    }

    private static int limit(String value) throws InvalidParameterException {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        int limit = DIGITS.matcher(value).matches() ? Integer.parseInt(value) : 0;
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidParameterException(LIMIT, "Invalid limit '" + shortened(value)
                    + "': must be an integer from 1 to " + MAX_LIMIT);
        }
        return limit;
    }

    private static RequestCursor before(String value) throws InvalidParameterException {
        if (value == null) {
            return null;
        }
        try {
            return decode(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException(BEFORE, "Invalid before '" + shortened(value)
                    + "': must be the 'next' cursor of a previous page");
        }
    }

    private static String shortened(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }

    /** A query parameter that cannot be used, with the message to answer. */
    private static final class InvalidParameterException extends Exception {

        private static final long serialVersionUID = 1L;

        private final String parameter;

        InvalidParameterException(String parameter, String message) {
            super(message, null, false, false);
            this.parameter = parameter;
        }
    }
}
