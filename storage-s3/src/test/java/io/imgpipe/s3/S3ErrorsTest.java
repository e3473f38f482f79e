package io.imgpipe.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.ObjectStoreException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ErrorsTest {

    @Test
    void throttlingIsRetryableAndCarriesRetryAfter() {
        ObjectStoreException e = S3Errors.forKey("put", "images", "a/b.jpg", "pre/a/b.jpg",
                serviceError(503, "SlowDown", "Please reduce your request rate.", "7"));

        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(e.getMessage()).contains("bucket 'images'").contains("key 'pre/a/b.jpg'").contains("throttling")
                .contains("503 SlowDown");
        assertThat(e.key()).isEqualTo("a/b.jpg");
    }

    @Test
    void tooManyRequestsIsRetryable() {
        assertThat(S3Errors.forKey("put", "images", "k", "k", serviceError(429, "TooManyRequests", "", null)).retryable())
                .isTrue();
    }

    @Test
    void serverErrorIsRetryable() {
        ObjectStoreException e = S3Errors.forKey("get", "images", "k", "k",
                serviceError(500, "InternalError", "We encountered an internal error.", null));

        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).isEmpty();
    }

    @Test
    void accessDeniedIsNotRetryable() {
        ObjectStoreException e = S3Errors.forKey("put", "images", "k", "k", serviceError(403, "AccessDenied", "Access Denied", "5"));

        assertThat(e.retryable()).isFalse();
        assertThat(e.retryAfter()).isEmpty();
        assertThat(e.getMessage()).contains("access denied");
    }

    @Test
    void anExpiredSessionTokenAnswered400IsRetryableAndSaysSo() {
        ObjectStoreException e = S3Errors.forKey("put", "images", "k", "k",
                serviceError(400, "ExpiredToken", "The provided token has expired.", null));

        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("session token has expired");
    }

    @Test
    void anInvalidSessionTokenIsAccessDenied() {
        ObjectStoreException e = S3Errors.forKey("put", "images", "k", "k",
                serviceError(400, "InvalidToken", "The provided token is malformed.", null));

        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("session token is invalid");
    }

    @Test
    void missingBucketIsNotRetryable() {
        ObjectStoreException e = S3Errors.forKey("put", "images", "k", "k",
                serviceError(404, "NoSuchBucket", "The specified bucket does not exist", null));

        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("bucket does not exist");
    }

    @Test
    void bucketCheckAnsweredWithBare404MeansTheBucketIsMissing() {
        ObjectStoreException e = S3Errors.forBucket("images", serviceError(404, null, null, null));

        assertThat(e.retryable()).isFalse();
        assertThat(e.key()).isNull();
        assertThat(e.getMessage()).contains("bucket 'images'").contains("does not exist");
    }

    @Test
    void otherClientErrorsAreNotRetryable() {
        assertThat(S3Errors.forKey("put", "images", "k", "k", serviceError(400, "InvalidArgument", "bad", null)).retryable())
                .isFalse();
    }

    @Test
    void bytesCorruptedInTransitAreRetryable() {
        ObjectStoreException e = S3Errors.forKey("put", "images", "k", "k", serviceError(400, "BadDigest", "", null));

        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("corrupted in transit");
    }

    @Test
    void idleConnectionTimeoutReportedByTheStoreIsRetryable() {
        assertThat(S3Errors.forKey("put", "images", "k", "k", serviceError(400, "RequestTimeout", "", null)).retryable())
                .isTrue();
    }

    @Test
    void attemptTimeoutIsRetryable() {
        ObjectStoreException e = S3Errors.forKey("put", "images", "k", "k",
                ApiCallAttemptTimeoutException.create(200));

        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("timed out");
    }

    @Test
    void ioErrorIsRetryable() {
        SdkClientException sdk = SdkClientException.create("Unable to execute HTTP request",
                new ConnectException("Connection refused"));

        ObjectStoreException e = S3Errors.forKey("put", "images", "k", "k", sdk);

        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("I/O error").contains("Connection refused");
        assertThat(e.getCause()).isSameAs(sdk);
    }

    @Test
    void missingCredentialsAreNotRetryable() {
        ObjectStoreException e = S3Errors.forKey("put", "images", "k", "k",
                SdkClientException.create("Unable to load credentials from any of the providers in the chain"));

        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("Unable to load credentials");
    }

    @Test
    void readsRetryAfterInSeconds() {
        assertThat(S3Errors.parseRetryAfter(" 120 ", Instant.now())).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void readsRetryAfterAsHttpDate() {
        Instant now = Instant.parse("2026-01-02T03:04:05Z");
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(30).atZone(ZoneOffset.UTC));

        assertThat(S3Errors.parseRetryAfter(date, now)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void retryAfterDateInThePastMeansNoWait() {
        Instant now = Instant.parse("2026-01-02T03:04:05Z");
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.minusSeconds(30).atZone(ZoneOffset.UTC));

        assertThat(S3Errors.parseRetryAfter(date, now)).isEqualTo(Duration.ZERO);
    }

    @Test
    void ignoresUnreadableRetryAfter() {
        assertThat(S3Errors.parseRetryAfter("soon", Instant.now())).isNull();
    }

    private static S3Exception serviceError(int status, String code, String message, String retryAfter) {
        SdkHttpResponse.Builder response = SdkHttpResponse.builder().statusCode(status);
        if (retryAfter != null) {
            response.putHeader("Retry-After", retryAfter);
        }
        return (S3Exception) S3Exception.builder()
                .statusCode(status)
                .requestId("REQ123")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message)
                        .serviceName("S3").sdkHttpResponse(response.build()).build())
                .build();
    }
}
