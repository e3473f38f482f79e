package io.imgpipe.s3;

import io.imgpipe.ConfigurationException;
import io.imgpipe.ObjectStoreException;
import io.imgpipe.spi.ObjectKeys;
import io.imgpipe.spi.ObjectStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.S3Utilities;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * An {@link ObjectStore} on AWS S3 or an S3-compatible store (MinIO, Cloudflare R2, S3Proxy),
 * through the AWS SDK for Java v2 synchronous client.
 *
 * <pre>{@code
 * S3StoreConfig config = S3StoreConfig.builder("product-images").region("eu-west-1")
 *         .keyPrefix("compressed").urlMode(UrlMode.PRESIGNED).build();
 * try (S3ObjectStore store = S3ObjectStore.builder(config).build()) {
 *     store.put("req-1/p-1/0.jpg", jpegBytes, "image/jpeg");
 *     URI url = store.url("req-1/p-1/0.jpg");
 * }
 * }</pre>
 *
 * <p><b>Keys.</b> A key (following {@link ObjectKeys}) is stored as
 * {@code keyPrefix + "/" + key}, or as the key itself when the prefix is empty.
 *
 * <p><b>Writes.</b> Every put is a single PutObject carrying {@code Content-Type}, the
 * configured {@code Cache-Control}, the canned ACL only if one is configured, and a
 * {@code Content-MD5} of the bytes, which AWS S3 and S3-compatible stores verify before storing
 * (a mismatch is refused with {@code BadDigest}). A client the store creates sends the body as
 * plain bytes: it computes SDK flexible checksums only where an operation requires them
 * ({@link RequestChecksumCalculation#WHEN_REQUIRED}) and does not use {@code aws-chunked}
 * encoding, because the SDK default (a CRC32 trailer in {@code aws-chunked} encoding on every
 * upload) is refused by several S3-compatible stores. The Content-MD5 keeps uploads verified end
 * to end on AWS and elsewhere alike; over plain HTTP the SigV4 signature covers the payload's
 * SHA-256 as well. A client passed in keeps its own checksum settings, and the Content-MD5 is
 * sent in addition.
 *
 * <p><b>Errors.</b> Failures are {@link ObjectStoreException}s naming the bucket and key.
 * Throttling, 5xx answers, timeouts, I/O errors and bytes corrupted in transit
 * ({@code BadDigest}) are retryable, and an HTTP {@code Retry-After} is carried over, as is an
 * expired session token (the credentials provider renews it); access denied, a missing bucket and
 * other 4xx answers are not. The SDK's own retry policy (by default up to three retries with
 * back-off) runs first, inside one call. A client the store creates gives each HTTP attempt at
 * most 30 seconds and a whole call, retries included, at most 2 minutes; pass a client of your
 * own for other timeouts.
 *
 * <p><b>Clients and closing.</b> Without {@link Builder#client(S3Client)} the store creates an
 * S3 client with the Apache HttpClient 5 transport, the configured region, endpoint and
 * addressing, and the credentials given to {@link Builder#credentialsProvider} or else the SDK's
 * default credentials chain. In {@link UrlMode#PRESIGNED} mode it likewise creates an
 * {@link S3Presigner} unless one is given. URLs and a created presigner use the configured
 * endpoint, or else the endpoint override of a given client; {@link S3StoreConfig#pathStyleAccess()}
 * must match the addressing a given client uses. A presigned URL signed with temporary credentials
 * (an instance role, a web identity) stops working when they expire, whatever its expiry says. {@link #close()} closes the client and presigner the
 * store created and never one it was given; those stay open and usable.
 *
 * <p>Thread-safe: the SDK clients are, and the store holds no other mutable state.
 */
public final class S3ObjectStore implements ObjectStore {

    private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);
    /** The longest one HTTP attempt of a call may take, on a client the store creates. */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(30);
    /** The longest a call may take in all, retries included, on a client the store creates. */
    static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);

    private final S3StoreConfig config;
    private final S3Client client;
    private final boolean ownsClient;
    private final S3Presigner presigner;
    private final boolean ownsPresigner;
    private final S3Utilities utilities;
    private final AtomicBoolean closed = new AtomicBoolean();

    private S3ObjectStore(S3StoreConfig config, S3Client client, boolean ownsClient, S3Presigner presigner,
            boolean ownsPresigner, Region region, URI endpoint) {
        this.config = config;
        this.client = client;
        this.ownsClient = ownsClient;
        this.presigner = presigner;
        this.ownsPresigner = ownsPresigner;
        S3Utilities.Builder utilitiesBuilder = S3Utilities.builder().region(region).s3Configuration(serviceConfiguration(config));
        if (endpoint != null) {
            utilitiesBuilder.endpoint(endpoint);
        }
        this.utilities = utilitiesBuilder.build();
    }

    /**
     * Starts building a store; the configuration is required, every collaborator is optional.
     *
     * @param config where and how to store objects
     * @return a builder
     */
    public static Builder builder(S3StoreConfig config) {
        return new Builder(config);
    }

    /** {@return this store's configuration} */
    public S3StoreConfig config() {
        return config;
    }

    /**
     * Uploads the bytes with one PutObject, replacing any object under the key.
     *
     * @throws IllegalArgumentException if the key breaks the {@link ObjectKeys} rules, or the
     *     prefixed key is longer than 1024 characters, or the content type is blank
     * @throws ObjectStoreException if the store refused or failed
     */
    @Override
    public void put(String key, byte[] data, String contentType) {
        String objectKey = objectKey(key);
        Objects.requireNonNull(data, "data");
        requireContentType(contentType);
        ensureOpen();
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(config.bucket())
                .key(objectKey)
                .contentType(contentType)
                .cacheControl(config.cacheControl())
                .contentLength((long) data.length)
                .contentMD5(md5Base64(data));
        if (config.acl() != null) {
            request.acl(config.acl());
        }
        try {
            client.putObject(request.build(), RequestBody.fromBytes(data));
        } catch (SdkException e) {
            throw S3Errors.forKey("put", config.bucket(), key, objectKey, e);
        }
        log.debug("stored s3://{}/{} ({} bytes, {})", config.bucket(), objectKey, data.length, contentType);
    }

    /**
     * Downloads the object with one GetObject.
     *
     * @return its bytes, or empty if the bucket has no such key
     * @throws ObjectStoreException if the store failed, including when the bucket is missing
     */
    @Override
    public Optional<byte[]> get(String key) {
        String objectKey = objectKey(key);
        ensureOpen();
        try {
            ResponseBytes<GetObjectResponse> bytes = client.getObjectAsBytes(
                    GetObjectRequest.builder().bucket(config.bucket()).key(objectKey).build());
            return Optional.of(bytes.asByteArrayUnsafe());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw S3Errors.forKey("get", config.bucket(), key, objectKey, e);
        }
    }

    /**
     * Deletes the object with one DeleteObject; a missing key is not an error.
     *
     * @throws ObjectStoreException if the store failed
     */
    @Override
    public void delete(String key) {
        String objectKey = objectKey(key);
        ensureOpen();
        try {
            client.deleteObject(r -> r.bucket(config.bucket()).key(objectKey));
        } catch (NoSuchKeyException e) {
            log.debug("s3://{}/{} was already gone", config.bucket(), objectKey);
        } catch (SdkException e) {
            throw S3Errors.forKey("delete", config.bucket(), key, objectKey, e);
        }
    }

    /**
     * Makes the download URL as {@link S3StoreConfig#urlMode()} says; see {@link UrlMode}. Makes no
     * request to the store; a presigned URL is signed afresh on every call.
     *
     * @throws IllegalArgumentException if the key breaks the {@link ObjectKeys} rules
     * @throws ObjectStoreException if presigning fails, for example when no credentials can be found
     */
    @Override
    public URI url(String key) {
        String objectKey = objectKey(key);
        switch (config.urlMode()) {
            case PUBLIC:
                return toUri(utilities.getUrl(r -> r.bucket(config.bucket()).key(objectKey)));
            case PRESIGNED:
                ensureOpen();
                try {
                    return toUri(presigner.presignGetObject(p -> p.signatureDuration(config.presignExpiry())
                            .getObjectRequest(g -> g.bucket(config.bucket()).key(objectKey))).url());
                } catch (SdkException e) {
                    throw S3Errors.forKey("presign", config.bucket(), key, objectKey, e);
                }
            case BASE_URL:
                return joinBaseUrl(config.baseUrl(), objectKey);
            default:
                throw new IllegalStateException("unknown url mode " + config.urlMode());
        }
    }

    /**
     * Checks the bucket exists and the credentials may use it, with one HeadBucket.
     *
     * @throws ObjectStoreException if not, naming the bucket
     */
    @Override
    public void ping() {
        ensureOpen();
        try {
            client.headBucket(r -> r.bucket(config.bucket()));
        } catch (SdkException e) {
            throw S3Errors.forBucket(config.bucket(), e);
        }
    }

    /**
     * Closes the S3 client and presigner this store created; never one passed to the builder.
     * Idempotent. Afterwards every operation but {@link #url} in {@code PUBLIC} or
     * {@code BASE_URL} mode throws {@link IllegalStateException}.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (ownsPresigner) {
            presigner.close();
        }
        if (ownsClient) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "S3ObjectStore[s3://" + config.bucket() + "/" + config.keyPrefix()
                + (config.endpointOverride() == null ? "" : " at " + config.endpointOverride()) + "]";
    }

    /** {@return the S3 client in use; for tests} */
    S3Client client() {
        return client;
    }

    private String objectKey(String key) {
        ObjectKeys.requireValid(key);
        String objectKey = config.keyPrefix().isEmpty() ? key : config.keyPrefix() + "/" + key;
        if (objectKey.length() > 1024) {
            throw new IllegalArgumentException("object key '" + key + "' with prefix '" + config.keyPrefix()
                    + "' is longer than S3's 1024 characters");
        }
        return objectKey;
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private static void requireContentType(String contentType) {
        if (contentType == null || contentType.isBlank()
                || !contentType.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("content type must be a non-blank printable ASCII media type, got '"
                    + contentType + "'");
        }
    }

    static URI joinBaseUrl(URI baseUrl, String objectKey) {
        String base = baseUrl.toString();
        int end = base.length();
        while (end > 0 && base.charAt(end - 1) == '/') {
            end--;
        }
        return URI.create(base.substring(0, end) + "/" + objectKey);
    }

    private static URI toUri(java.net.URL url) {
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the SDK made an invalid URL: " + url, e);
        }
    }

    private static String md5Base64(byte[] data) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no MD5, which every Java platform must provide", e);
        }
    }

    private static S3Configuration serviceConfiguration(S3StoreConfig config) {
        return S3Configuration.builder().pathStyleAccessEnabled(config.pathStyleAccess()).build();
    }

    /**
     * Builds an {@link S3ObjectStore}. Not thread-safe.
     */
    public static final class Builder {
        private final S3StoreConfig config;
        private S3Client client;
        private S3Presigner presigner;
        private AwsCredentialsProvider credentialsProvider;

        private Builder(S3StoreConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /**
         * Uses this client instead of creating one. The store never closes it. It must point at
         * the bucket's region and endpoint; {@link S3StoreConfig} settings that configure clients
         * (region, endpoint, addressing) are then only used for URLs.
         *
         * @param value an S3 client, or {@code null} to let the store create one
         * @return this builder
         */
        public Builder client(S3Client value) {
            client = value;
            return this;
        }

        /**
         * Uses this presigner for {@link UrlMode#PRESIGNED} URLs instead of creating one. The store
         * never closes it; it is not used in the other modes.
         *
         * @param value a presigner, or {@code null} to let the store create one when needed
         * @return this builder
         */
        public Builder presigner(S3Presigner value) {
            presigner = value;
            return this;
        }

        /**
         * The credentials for the client and presigner the store creates; without it they come
         * from the SDK's default chain (or, for a presigner next to a client that was given, from
         * that client). Not used by a client or presigner that was given. The store never closes
         * it.
         *
         * @param value a credentials provider, or {@code null} for the default
         * @return this builder
         */
        public Builder credentialsProvider(AwsCredentialsProvider value) {
            credentialsProvider = value;
            return this;
        }

        /**
         * {@return the store}
         *
         * @throws ConfigurationException if a client cannot be created, for example because no
         *     region can be found
         */
        public S3ObjectStore build() {
            boolean ownsClient = client == null;
            S3Client s3 = ownsClient ? createClient() : client;
            try {
                Region region = region(s3);
                URI endpoint = endpoint(s3);
                boolean ownsPresigner = config.urlMode() == UrlMode.PRESIGNED && presigner == null;
                S3Presigner signer = ownsPresigner ? createPresigner(s3, region, endpoint) : presigner;
                S3ObjectStore store = new S3ObjectStore(config, s3, ownsClient, signer, ownsPresigner, region, endpoint);
                log.info("S3 object store ready for bucket '{}' (region {}, endpoint {}, {} URLs)", config.bucket(),
                        region, endpoint == null ? "AWS" : endpoint, config.urlMode());
                return store;
            } catch (RuntimeException e) {
                if (ownsClient) {
                    s3.close();
                }
                throw e;
            }
        }

        private Region region(S3Client s3) {
            if (config.region() != null) {
                return Region.of(config.region());
            }
            Region clientRegion = s3.serviceClientConfiguration().region();
            return clientRegion != null ? clientRegion : Region.US_EAST_1;
        }

        /** {@return the configured endpoint, else that of a given client, else {@code null} (AWS)} */
        private URI endpoint(S3Client s3) {
            if (config.endpointOverride() != null) {
                return config.endpointOverride();
            }
            return s3.serviceClientConfiguration().endpointOverride().orElse(null);
        }

        private S3Client createClient() {
            S3ClientBuilder builder = S3Client.builder()
                    .httpClientBuilder(Apache5HttpClient.builder())
                    .forcePathStyle(config.pathStyleAccess())
                    .serviceConfiguration(c -> c.chunkedEncodingEnabled(false))
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .overrideConfiguration(o -> o.apiCallAttemptTimeout(ATTEMPT_TIMEOUT).apiCallTimeout(CALL_TIMEOUT));
            if (config.region() != null) {
                builder.region(Region.of(config.region()));
            } else if (config.endpointOverride() != null) {
                builder.region(Region.US_EAST_1);
            }
            if (config.endpointOverride() != null) {
                builder.endpointOverride(config.endpointOverride());
            }
            if (credentialsProvider != null) {
                builder.credentialsProvider(NonClosingIdentityProvider.wrap(credentialsProvider));
            }
            try {
                return builder.build();
            } catch (SdkException e) {
                throw new ConfigurationException("cannot create an S3 client for bucket '" + config.bucket() + "': "
                        + e.getMessage() + (config.region() == null
                                ? "; set S3StoreConfig.region (property imgpipe.s3.region) or AWS_REGION" : ""), e);
            }
        }

        private S3Presigner createPresigner(S3Client s3, Region region, URI endpoint) {
            IdentityProvider<? extends AwsCredentialsIdentity> credentials = credentialsProvider != null
                    ? credentialsProvider : s3.serviceClientConfiguration().credentialsProvider();
            S3Presigner.Builder builder = S3Presigner.builder()
                    .region(region)
                    .serviceConfiguration(serviceConfiguration(config));
            if (credentials != null) {
                builder.credentialsProvider(NonClosingIdentityProvider.wrap(credentials));
            }
            if (endpoint != null) {
                builder.endpointOverride(endpoint);
            }
            try {
                return builder.build();
            } catch (SdkException e) {
                throw new ConfigurationException("cannot create an S3 presigner for bucket '" + config.bucket() + "': "
                        + e.getMessage(), e);
            }
        }
    }
}
