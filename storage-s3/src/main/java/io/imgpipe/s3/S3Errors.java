package io.imgpipe.s3;

import io.imgpipe.ObjectStoreException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Turns AWS SDK exceptions into {@link ObjectStoreException}s that name the bucket and key and
 * say whether a later attempt may succeed: throttling, 5xx answers, timeouts, I/O errors and
 * bytes corrupted in transit ({@code BadDigest}) are retryable; access denied, a missing bucket
 * and other 4xx answers are not.
 */
final class S3Errors {

    private static final Set<String> THROTTLING_CODES = Set.of("SlowDown", "Throttling", "ThrottlingException",
            "TooManyRequests", "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled",
            "ProvisionedThroughputExceededException", "BandwidthLimitExceeded", "EC2ThrottledException");
    private static final Set<String> TRANSIENT_CLIENT_ERROR_CODES = Set.of("RequestTimeout", "RequestTimeoutException",
            "PriorRequestNotComplete");
    private static final Set<String> CORRUPTION_CODES = Set.of("BadDigest", "XAmzContentSHA256Mismatch");

    private S3Errors() {
    }

    /**
     * {@return the exception to throw}
     *
     * @param operation what was attempted: {@code put}, {@code get}, {@code delete}, {@code presign}
     * @param bucket the bucket
     * @param key the caller's key, kept on the exception
     * @param objectKey the key in the bucket (with the prefix), named in the message
     * @param e what the SDK threw
     */
    static ObjectStoreException forKey(String operation, String bucket, String key, String objectKey, SdkException e) {
        Classified c = classify(e, false);
        String message = "S3 " + operation + " of key '" + objectKey + "' in bucket '" + bucket + "' failed: " + c.reason;
        return new ObjectStoreException(key, message, e, c.retryable, c.retryAfter);
    }

    /**
     * {@return the exception to throw, with no key}
     *
     * @param bucket the bucket
     * @param e what the SDK threw while checking the bucket
     */
    static ObjectStoreException forBucket(String bucket, SdkException e) {
        Classified c = classify(e, true);
        return new ObjectStoreException(null, "S3 bucket '" + bucket + "' is not usable: " + c.reason, e, c.retryable,
                c.retryAfter);
    }

    private static Classified classify(SdkException e, boolean bucketCheck) {
        if (e instanceof SdkServiceException service) {
            return classifyService(service, bucketCheck);
        }
        return classifyClient(e);
    }

    private static Classified classifyService(SdkServiceException e, boolean bucketCheck) {
        int status = e.statusCode();
        AwsErrorDetails details = e instanceof AwsServiceException aws ? aws.awsErrorDetails() : null;
        String code = details == null || details.errorCode() == null ? "" : details.errorCode();
        String storeMessage = details == null || details.errorMessage() == null ? "" : details.errorMessage();
        String detail = " (HTTP " + status + (code.isEmpty() ? "" : " " + code)
                + (storeMessage.isEmpty() ? "" : ": " + storeMessage)
                + (e.requestId() == null ? "" : ", request id " + e.requestId()) + ")";
        Duration retryAfter = details == null ? null : retryAfter(details.sdkHttpResponse(), Instant.now());
        boolean throttled = status == 429 || THROTTLING_CODES.contains(code) || e.isThrottlingException();
        if (throttled) {
            return new Classified("the store is throttling requests, slow down" + detail, true, retryAfter);
        }
        if (status >= 500) {
            return new Classified("the store failed" + detail, true, retryAfter);
        }
        if (code.equals("NoSuchBucket") || (bucketCheck && status == 404)) {
            return new Classified("the bucket does not exist" + detail, false, null);
        }
        if (code.equals("ExpiredToken") || code.equals("TokenRefreshRequired")) {
            return new Classified("access denied: the session token has expired; the credentials provider renews it,"
                    + " so a retry may succeed" + detail, true, retryAfter);
        }
        if (status == 403 || code.equals("AccessDenied") || code.equals("InvalidToken")) {
            return new Classified(accessDeniedReason(code) + detail, false, null);
        }
        if (CORRUPTION_CODES.contains(code)) {
            return new Classified("the bytes the store received do not match their checksum, so they were corrupted"
                    + " in transit" + detail, true, retryAfter);
        }
        if (status == 408 || TRANSIENT_CLIENT_ERROR_CODES.contains(code)) {
            return new Classified("the store timed out waiting for the request" + detail, true, retryAfter);
        }
        return new Classified("the store refused the request" + detail, false, null);
    }

    private static String accessDeniedReason(String code) {
        switch (code) {
            case "InvalidAccessKeyId":
                return "access denied: the access key id is not known to the store";
            case "SignatureDoesNotMatch":
                return "access denied: the request signature does not match, check the secret access key";
            case "RequestTimeTooSkewed":
                return "access denied: this machine's clock is too far from the store's";
            case "InvalidToken":
                return "access denied: the session token is invalid";
            default:
                return "access denied: check the credentials and the bucket policy";
        }
    }

    private static Classified classifyClient(SdkException e) {
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new Classified("timed out: " + e.getMessage(), true, null);
        }
        if (e instanceof AbortedException || Thread.currentThread().isInterrupted()) {
            return new Classified("interrupted: " + e.getMessage(), true, null);
        }
        Optional<Throwable> io = ioCause(e);
        if (io.isPresent()) {
            Throwable cause = io.get();
            String kind = cause instanceof SocketTimeoutException || cause instanceof InterruptedIOException
                    ? "timed out" : "I/O error";
            return new Classified(kind + " talking to the store: " + cause, true, null);
        }
        return new Classified(String.valueOf(e.getMessage()), e.retryable(), null);
    }

    private static Optional<Throwable> ioCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return Optional.of(t instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : t);
            }
        }
        return Optional.empty();
    }

    /**
     * Reads an HTTP {@code Retry-After} header: delta-seconds or an HTTP date.
     *
     * @param response the error response, or {@code null}
     * @param now the current time, for dates
     * @return the delay asked for (zero for a date in the past), or {@code null} if the header is
     *     absent or unreadable
     */
    static Duration retryAfter(SdkHttpResponse response, Instant now) {
        if (response == null) {
            return null;
        }
        return response.firstMatchingHeader("Retry-After").map(v -> parseRetryAfter(v, now)).orElse(null);
    }

    static Duration parseRetryAfter(String value, Instant now) {
        String v = value.trim();
        if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
            try {
                return Duration.ofSeconds(Long.parseLong(v));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT)).toInstant();
            Duration delay = Duration.between(now, at);
            return delay.isNegative() ? Duration.ZERO : delay;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private record Classified(String reason, boolean retryable, Duration retryAfter) {
    }
}
