package io.imgpipe.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.ObjectStoreException;
import io.imgpipe.spi.ObjectStore;
import io.imgpipe.testkit.ObjectStoreContract;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The {@link ObjectStoreContract} and the S3-specific behaviour of {@link S3ObjectStore}, against
 * a real S3 API server that a subclass starts: S3Proxy in the JVM, or MinIO in a container.
 *
 * <p>Every test gets a fresh bucket. The contract's store uses presigned URLs and a key prefix,
 * with the client the store creates itself; its URLs are downloaded over HTTP.
 */
abstract class S3CompatibleStoreTests extends ObjectStoreContract {

    protected static final String PREFIX = "out/v1";
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private S3Client admin;
    private String bucket;

    /** @return the server's endpoint */
    protected abstract URI endpoint();

    /** @return an access key the server accepts */
    protected abstract String accessKey();

    /** @return the secret of {@link #accessKey()} */
    protected abstract String secretKey();

    @Override
    protected ObjectStore newStore() {
        return S3ObjectStore.builder(config().urlMode(UrlMode.PRESIGNED).build()).credentialsProvider(credentials()).build();
    }

    @Override
    protected Optional<byte[]> download(URI url) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = fetch(url);
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + " answered " + response.statusCode() + ": " + new String(response.body()));
        }
        return Optional.of(response.body());
    }

    @AfterEach
    void closeAdminClient() {
        if (admin != null) {
            admin.close();
        }
    }

    // ---------------------------------------------------------------- errors

    @Test
    void wrongSecretIsRefusedWithoutRetryNamingBucketAndKey() {
        try (S3ObjectStore store = S3ObjectStore.builder(config().build())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey(), "not-the-secret")))
                .build()) {
            assertThatThrownBy(() -> store.put("r1/0.jpg", payload(100, 1), "image/jpeg"))
                    .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.key()).isEqualTo("r1/0.jpg");
                        assertThat(e.getMessage()).contains("bucket '" + bucket() + "'").contains("key '" + PREFIX + "/r1/0.jpg'")
                                .contains("access denied");
                    });
        }
    }

    @Test
    void putToAMissingBucketIsNotRetryable() {
        try (S3ObjectStore store = storeFor(config().bucket("never-created-" + bucket()).build())) {
            assertThatThrownBy(() -> store.put("r1/0.jpg", payload(100, 1), "image/jpeg"))
                    .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).contains("never-created-" + bucket()).contains("does not exist");
                    });
        }
    }

    @Test
    void pingOfAMissingBucketIsNotRetryable() {
        try (S3ObjectStore store = storeFor(config().bucket("never-created-" + bucket()).build())) {
            assertThatThrownBy(store::ping)
                    .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).contains("never-created-" + bucket()).contains("does not exist");
                    });
        }
    }

    // ---------------------------------------------------------------- integrity

    @Test
    void uploadWhoseBytesDoNotMatchTheirMd5IsRefusedAndNotStored() {
        ExecutionInterceptor corruptMd5 = new ExecutionInterceptor() {
            @Override
            public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
                return context.httpRequest().toBuilder().putHeader("Content-MD5", "AAAAAAAAAAAAAAAAAAAAAA==").build();
            }
        };
        try (S3Client client = client(corruptMd5); S3ObjectStore store = storeWithClient(client)) {
            assertThatThrownBy(() -> store.put("r1/0.jpg", payload(1_000, 1), "image/jpeg"))
                    .isInstanceOfSatisfying(ObjectStoreException.class,
                            e -> assertThat(e.getMessage()).contains("BadDigest").contains("key '" + PREFIX + "/r1/0.jpg'"));
        }
        assertThatThrownBy(() -> admin().headObject(r -> r.bucket(bucket).key(PREFIX + "/r1/0.jpg")))
                .isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void clientWithTheSdkDefaultChecksumsIsAcceptedToo() {
        byte[] data = payload(300_000, 7);
        try (S3Client client = client(); S3ObjectStore store = storeWithClient(client)) {
            store.put("r1/0.jpg", data, "image/jpeg");

            assertThat(store.get("r1/0.jpg")).hasValueSatisfying(read -> assertThat(read).isEqualTo(data));
        }
    }

    // ---------------------------------------------------------------- metadata

    @Test
    void storedObjectCarriesContentTypeAndDefaultCacheControl() {
        try (S3ObjectStore store = storeFor(config().build())) {
            store.put("r1/0.png", payload(100, 1), "image/png");
        }

        HeadObjectResponse head = admin().headObject(r -> r.bucket(bucket).key(PREFIX + "/r1/0.png"));
        assertThat(head.contentType()).isEqualTo("image/png");
        assertThat(head.cacheControl()).isEqualTo(S3StoreConfig.DEFAULT_CACHE_CONTROL);
    }

    @Test
    void storedObjectCarriesTheConfiguredCacheControl() {
        try (S3ObjectStore store = storeFor(config().cacheControl("private, max-age=600").build())) {
            store.put("r1/0.jpg", payload(100, 1), "image/jpeg");
        }

        assertThat(admin().headObject(r -> r.bucket(bucket).key(PREFIX + "/r1/0.jpg")).cacheControl())
                .isEqualTo("private, max-age=600");
    }

    // ---------------------------------------------------------------- URLs

    @Test
    void presignedUrlFetchedWithAPlainHttpClientReturnsTheExactBytes() throws Exception {
        byte[] data = payload(150_000, 3);
        try (S3ObjectStore store = storeFor(config().urlMode(UrlMode.PRESIGNED).presignExpiry(Duration.ofMinutes(5)).build())) {
            store.put("r1/0.jpg", data, "image/jpeg");

            HttpResponse<byte[]> response = fetch(store.url("r1/0.jpg"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(data);
            assertThat(response.headers().firstValue("Content-Type")).contains("image/jpeg");
        }
    }

    @Test
    void publicUrlIsPathStyleAgainstTheEndpoint() {
        try (S3ObjectStore store = storeFor(config().build())) {
            assertThat(store.url("r1/p1/0.jpg"))
                    .isEqualTo(URI.create(endpoint() + "/" + bucket + "/" + PREFIX + "/r1/p1/0.jpg"));
        }
    }

    @Test
    void baseUrlIsJoinedToTheKeyTheObjectIsStoredUnder() {
        byte[] data = payload(100, 1);
        try (S3ObjectStore store = storeFor(config().baseUrlMode(URI.create("https://cdn.example.com/assets/")).build())) {
            store.put("r1/0.jpg", data, "image/jpeg");

            assertThat(store.url("r1/0.jpg")).isEqualTo(URI.create("https://cdn.example.com/assets/" + PREFIX + "/r1/0.jpg"));
        }
        assertThat(admin().getObjectAsBytes(r -> r.bucket(bucket).key(PREFIX + "/r1/0.jpg")).asByteArray()).isEqualTo(data);
    }

    // ---------------------------------------------------------------- clients and closing

    @Test
    void clientPassedInIsNotClosedByClose() {
        try (S3Client client = client()) {
            S3ObjectStore store = storeWithClient(client);

            store.close();

            client.headBucket(r -> r.bucket(bucket));
            assertThat(client.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();
        }
    }

    @Test
    void clientTheStoreCreatedIsClosedByClose() {
        S3ObjectStore store = storeFor(config().build());
        store.ping();
        S3Client created = store.client();

        store.close();

        // its connection pool says "shut down"; with call timeouts on, the client's timeout scheduler,
        // shut down by the same close (terminated or still shutting down), refuses the call first
        assertThatThrownBy(() -> created.headBucket(r -> r.bucket(bucket))).satisfiesAnyOf(
                closed -> assertThat(closed).hasMessageContaining("shut down"),
                closed -> assertThat(closed).isInstanceOf(RejectedExecutionException.class));
    }

    @Test
    void closedStoreRefusesRequests() {
        S3ObjectStore store = storeFor(config().build());

        store.close();

        assertThatThrownBy(() -> store.get("r1/0.jpg")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void closeIsIdempotent() {
        S3ObjectStore store = storeFor(config().build());

        store.close();
        store.close();

        assertThatThrownBy(store::ping).isInstanceOf(IllegalStateException.class);
    }

    // ================================================================ helpers

    /** @return settings for this test's fresh bucket, with {@link #PREFIX} and public URLs */
    protected final S3StoreConfig.Builder config() {
        return S3StoreConfig.builder(bucket()).endpointOverride(endpoint()).keyPrefix(PREFIX);
    }

    /** @return this test's bucket, created on first use */
    protected final String bucket() {
        if (bucket == null) {
            bucket = "imgpipe-" + UUID.randomUUID().toString().substring(0, 8) + "-" + BUCKETS.incrementAndGet();
            admin().createBucket(r -> r.bucket(bucket));
        }
        return bucket;
    }

    /** @return a client for checking what the store did; closed after the test */
    protected final S3Client admin() {
        if (admin == null) {
            admin = client();
        }
        return admin;
    }

    /** @return the server's credentials */
    protected final StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey(), secretKey()));
    }

    /**
     * @param interceptors see or change requests
     * @return a client with the SDK's defaults (flexible checksums when supported); the caller closes it
     */
    protected final S3Client client(ExecutionInterceptor... interceptors) {
        return S3Client.builder().endpointOverride(endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(credentials())
                .overrideConfiguration(o -> o.executionInterceptors(List.of(interceptors)))
                .build();
    }

    /** @param config the settings @return a store creating its own client; the caller closes it */
    protected final S3ObjectStore storeFor(S3StoreConfig config) {
        return S3ObjectStore.builder(config).credentialsProvider(credentials()).build();
    }

    /** @param client the client to use @return a store on this test's bucket; the caller closes it */
    protected final S3ObjectStore storeWithClient(S3Client client) {
        return S3ObjectStore.builder(config().build()).client(client).build();
    }

    /**
     * Records the headers of every request a client sends.
     */
    protected static final class HeaderRecorder implements ExecutionInterceptor {
        private final List<Map<String, List<String>>> headers = new CopyOnWriteArrayList<>();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            headers.add(context.httpRequest().headers());
        }

        /** @return the headers of each request sent, in order */
        List<Map<String, List<String>>> headers() {
            return headers;
        }
    }

    /** @param url a URL @return the answer to an anonymous GET */
    protected static HttpResponse<byte[]> fetch(URI url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
