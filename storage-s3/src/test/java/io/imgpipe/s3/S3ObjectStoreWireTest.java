package io.imgpipe.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.ObjectStoreException;
import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.RecordedRequest;
import io.imgpipe.testkit.TestHttpServer.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the store sends and how it reads the answers, against a scripted HTTP server standing in
 * for S3 on loopback. Error answers go through a client with SDK retries off, so that each test
 * sees exactly one scripted reply.
 */
class S3ObjectStoreWireTest {

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x00, 0x11, 0x22, (byte) 0xFF, (byte) 0xD9};

    private TestHttpServer s3;

    @BeforeEach
    void startFakeS3() {
        s3 = TestHttpServer.start();
    }

    @AfterEach
    void stopFakeS3() {
        s3.close();
    }

    @Test
    void putSendsThePlainBytesWithMd5ContentTypeAndCacheControl() throws Exception {
        s3.serve("/images/out/r1/0.jpg", Reply.status(200));

        try (S3ObjectStore store = ownClientStore(config().keyPrefix("out"))) {
            store.put("r1/0.jpg", JPEG, "image/jpeg");
        }

        RecordedRequest put = s3.requests().get(0);
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.path()).isEqualTo("/images/out/r1/0.jpg");
        assertThat(put.body()).isEqualTo(JPEG);
        assertThat(put.headers())
                .containsEntry("content-md5", Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(JPEG)))
                .containsEntry("content-type", "image/jpeg")
                .containsEntry("cache-control", S3StoreConfig.DEFAULT_CACHE_CONTROL)
                .doesNotContainKeys("content-encoding", "x-amz-trailer", "x-amz-decoded-content-length");
    }

    @Test
    void putSendsNoAclByDefault() {
        s3.serve("/images/r1/0.jpg", Reply.status(200));

        try (S3ObjectStore store = ownClientStore(config())) {
            store.put("r1/0.jpg", JPEG, "image/jpeg");
        }

        assertThat(s3.requests().get(0).headers()).doesNotContainKey("x-amz-acl");
    }

    @Test
    void putSendsTheConfiguredAcl() {
        s3.serve("/images/r1/0.jpg", Reply.status(200));

        try (S3ObjectStore store = ownClientStore(config().acl("public-read"))) {
            store.put("r1/0.jpg", JPEG, "image/jpeg");
        }

        assertThat(s3.requests().get(0).headers()).containsEntry("x-amz-acl", "public-read");
    }

    @Test
    void throttledPutIsRetryableAndCarriesRetryAfter() {
        s3.serve("/images/r1/0.jpg", error(503, "SlowDown", "Please reduce your request rate.").withHeader("Retry-After", "5"));

        try (S3Client client = noRetryClient(); S3ObjectStore store = givenClientStore(client)) {
            assertThatThrownBy(() -> store.put("r1/0.jpg", JPEG, "image/jpeg"))
                    .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.retryAfter()).contains(Duration.ofSeconds(5));
                        assertThat(e.key()).isEqualTo("r1/0.jpg");
                        assertThat(e.getMessage()).contains("bucket 'images'").contains("key 'r1/0.jpg'").contains("SlowDown");
                    });
        }
    }

    @Test
    void serverErrorIsRetryable() {
        s3.serve("/images/r1/0.jpg", error(500, "InternalError", "We encountered an internal error."));

        try (S3Client client = noRetryClient(); S3ObjectStore store = givenClientStore(client)) {
            assertThatThrownBy(() -> store.get("r1/0.jpg"))
                    .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.retryable()).isTrue());
        }
    }

    @Test
    void accessDeniedIsNotRetryable() {
        s3.serve("/images/r1/0.jpg", error(403, "AccessDenied", "Access Denied"));

        try (S3Client client = noRetryClient(); S3ObjectStore store = givenClientStore(client)) {
            assertThatThrownBy(() -> store.put("r1/0.jpg", JPEG, "image/jpeg"))
                    .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).contains("access denied").contains("bucket 'images'").contains("key 'r1/0.jpg'");
                    });
        }
    }

    @Test
    void getOfAMissingKeyIsEmpty() {
        s3.serve("/images/r1/0.jpg", error(404, "NoSuchKey", "The specified key does not exist."));

        try (S3Client client = noRetryClient(); S3ObjectStore store = givenClientStore(client)) {
            assertThat(store.get("r1/0.jpg")).isEmpty();
        }
    }

    @Test
    void getFromAMissingBucketFailsWithoutRetry() {
        s3.serve("/images/r1/0.jpg", error(404, "NoSuchBucket", "The specified bucket does not exist"));

        try (S3Client client = noRetryClient(); S3ObjectStore store = givenClientStore(client)) {
            assertThatThrownBy(() -> store.get("r1/0.jpg"))
                    .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).contains("bucket does not exist");
                    });
        }
    }

    @Test
    void deleteOfAKeyTheStoreReportsMissingSucceeds() {
        s3.serve("/images/r1/0.jpg", error(404, "NoSuchKey", "The specified key does not exist."));

        try (S3Client client = noRetryClient(); S3ObjectStore store = givenClientStore(client)) {
            store.delete("r1/0.jpg");
        }

        assertThat(s3.hits("/images/r1/0.jpg")).isEqualTo(1);
    }

    @Test
    void pingIsAHeadBucket() {
        s3.serve("/images", Reply.status(200));

        try (S3Client client = noRetryClient(); S3ObjectStore store = givenClientStore(client)) {
            store.ping();
        }

        assertThat(s3.requests()).extracting(RecordedRequest::method, RecordedRequest::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("HEAD", "/images"));
    }

    @Test
    void pingOfAMissingBucketIsNotRetryable() {
        try (S3Client client = noRetryClient(); S3ObjectStore store = givenClientStore(client)) {
            assertThatThrownBy(store::ping)
                    .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.key()).isNull();
                        assertThat(e.getMessage()).contains("bucket 'images'").contains("does not exist");
                    });
        }
    }

    @Test
    void refusedConnectionIsRetryable() throws IOException {
        URI closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        try (S3Client client = noRetryClient(closedPort); S3ObjectStore store = givenClientStore(client)) {
            assertThatThrownBy(() -> store.put("r1/0.jpg", JPEG, "image/jpeg"))
                    .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.getMessage()).contains("I/O error").contains("key 'r1/0.jpg'");
                    });
        }
    }

    @Test
    void storeThatDoesNotAnswerInTimeIsRetryable() {
        s3.serve("/images/r1/0.jpg", Reply.status(200).delayedBy(Duration.ofSeconds(3)));

        try (S3Client client = S3Client.builder().endpointOverride(s3.url("")).region(Region.US_EAST_1)
                .forcePathStyle(true).credentialsProvider(CREDENTIALS)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(Duration.ofMillis(300)))
                .build();
             S3ObjectStore store = givenClientStore(client)) {
            assertThatThrownBy(() -> store.get("r1/0.jpg"))
                    .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.getMessage()).contains("timed out");
                    });
        }
    }

    private S3StoreConfig.Builder config() {
        return S3StoreConfig.builder("images").endpointOverride(s3.url(""));
    }

    private S3ObjectStore ownClientStore(S3StoreConfig.Builder config) {
        return S3ObjectStore.builder(config.build()).credentialsProvider(CREDENTIALS).build();
    }

    private S3ObjectStore givenClientStore(S3Client client) {
        return S3ObjectStore.builder(config().build()).client(client).build();
    }

    private S3Client noRetryClient() {
        return noRetryClient(s3.url(""));
    }

    private static S3Client noRetryClient(URI endpoint) {
        return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(CREDENTIALS)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private static Reply error(int status, String code, String message) {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>";
        return new Reply(status, "application/xml", Map.of(), xml.getBytes(StandardCharsets.UTF_8), Duration.ZERO);
    }
}
