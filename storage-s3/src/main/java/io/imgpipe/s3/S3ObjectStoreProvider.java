package io.imgpipe.s3;

import io.imgpipe.ConfigurationException;
import io.imgpipe.spi.ObjectStore;
import io.imgpipe.spi.ObjectStoreProvider;
import io.imgpipe.spi.ProviderConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Creates an {@link S3ObjectStore} under the name {@value #NAME} from these properties:
 *
 * <table>
 * <caption>Properties read</caption>
 * <tr><th>property</th><th>meaning</th><th>default</th></tr>
 * <tr><td>{@code imgpipe.s3.bucket}</td><td>the bucket</td><td>required</td></tr>
 * <tr><td>{@code imgpipe.s3.region}</td><td>the region</td><td>SDK default chain, or
 *     {@code us-east-1} with an endpoint</td></tr>
 * <tr><td>{@code imgpipe.s3.prefix}</td><td>key prefix, without leading or trailing {@code /}</td>
 *     <td>none</td></tr>
 * <tr><td>{@code imgpipe.s3.endpoint}</td><td>endpoint of an S3-compatible store</td><td>AWS</td></tr>
 * <tr><td>{@code imgpipe.s3.path-style}</td><td>{@code true} or {@code false}</td>
 *     <td>{@code true} exactly when an endpoint is set</td></tr>
 * <tr><td>{@code imgpipe.s3.url-mode}</td><td>{@code public}, {@code presigned} or
 *     {@code base-url}</td><td>{@code public}</td></tr>
 * <tr><td>{@code imgpipe.s3.presign-expiry}</td><td>lifetime of presigned URLs, such as
 *     {@code 1h} or {@code PT15M}</td><td>1 hour</td></tr>
 * <tr><td>{@code imgpipe.s3.base-url}</td><td>base URL for {@code base-url} mode</td>
 *     <td>required in that mode</td></tr>
 * <tr><td>{@code imgpipe.s3.cache-control}</td><td>{@code Cache-Control} stored with objects</td>
 *     <td>{@value S3StoreConfig#DEFAULT_CACHE_CONTROL}</td></tr>
 * <tr><td>{@code imgpipe.s3.acl}</td><td>canned ACL sent with puts, such as {@code public-read}</td>
 *     <td>none sent</td></tr>
 * <tr><td>{@code imgpipe.s3.access-key-id}, {@code imgpipe.s3.secret-access-key}</td>
 *     <td>static credentials; both or neither</td><td>SDK default credentials chain</td></tr>
 * </table>
 *
 * <p>The store it returns owns its S3 client; whoever receives it closes it. Stateless and
 * thread-safe.
 */
public final class S3ObjectStoreProvider implements ObjectStoreProvider {

    /** The name this provider is chosen by. */
    public static final String NAME = "s3";

    /** Property: the bucket (required). */
    public static final String BUCKET = "imgpipe.s3.bucket";
    /** Property: the region. */
    public static final String REGION = "imgpipe.s3.region";
    /** Property: the key prefix. */
    public static final String PREFIX = "imgpipe.s3.prefix";
    /** Property: the endpoint of an S3-compatible store. */
    public static final String ENDPOINT = "imgpipe.s3.endpoint";
    /** Property: path-style addressing. */
    public static final String PATH_STYLE = "imgpipe.s3.path-style";
    /** Property: {@code public}, {@code presigned} or {@code base-url}. */
    public static final String URL_MODE = "imgpipe.s3.url-mode";
    /** Property: lifetime of presigned URLs. */
    public static final String PRESIGN_EXPIRY = "imgpipe.s3.presign-expiry";
    /** Property: base URL for {@code base-url} mode. */
    public static final String BASE_URL = "imgpipe.s3.base-url";
    /** Property: the {@code Cache-Control} stored with objects. */
    public static final String CACHE_CONTROL = "imgpipe.s3.cache-control";
    /** Property: canned ACL sent with puts. */
    public static final String ACL = "imgpipe.s3.acl";
    /** Property: static access key id; needs {@link #SECRET_ACCESS_KEY}. */
    public static final String ACCESS_KEY_ID = "imgpipe.s3.access-key-id";
    /** Property: static secret access key; needs {@link #ACCESS_KEY_ID}. */
    public static final String SECRET_ACCESS_KEY = "imgpipe.s3.secret-access-key";

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public S3ObjectStoreProvider() {
    }

    /** {@return {@value #NAME}} */
    @Override
    public String name() {
        return NAME;
    }

    /**
     * {@return a new store, owning its client}
     *
     * @param config the {@code imgpipe.s3.*} properties
     * @throws ConfigurationException naming the property that is missing or invalid
     */
    @Override
    public ObjectStore create(ProviderConfig config) {
        S3ObjectStore.Builder store = S3ObjectStore.builder(storeConfig(config));
        credentials(config).ifPresent(store::credentialsProvider);
        return store.build();
    }

    /**
     * Reads the typed configuration from the properties.
     *
     * @param config the {@code imgpipe.s3.*} properties
     * @return the store configuration
     * @throws ConfigurationException naming the property that is missing or invalid
     */
    public static S3StoreConfig storeConfig(ProviderConfig config) {
        String bucket = S3StoreConfig.checkBucket(config.require(BUCKET), BUCKET);
        S3StoreConfig.Builder builder = S3StoreConfig.builder(bucket)
                .region(S3StoreConfig.checkRegion(config.get(REGION).orElse(null), REGION))
                .keyPrefix(S3StoreConfig.checkKeyPrefix(config.get(PREFIX).orElse(""), PREFIX));
        URI endpoint = S3StoreConfig.checkEndpoint(uri(config, ENDPOINT), ENDPOINT);
        builder.endpointOverride(endpoint).pathStyleAccess(config.getBoolean(PATH_STYLE, endpoint != null));
        UrlMode urlMode = urlMode(config);
        URI baseUrl = S3StoreConfig.checkBaseUrl(uri(config, BASE_URL), BASE_URL);
        S3StoreConfig.checkBaseUrlMatchesMode(baseUrl, urlMode, BASE_URL, URL_MODE);
        builder.urlMode(urlMode).baseUrl(baseUrl);
        Duration expiry = config.getDuration(PRESIGN_EXPIRY, S3StoreConfig.DEFAULT_PRESIGN_EXPIRY);
        builder.presignExpiry(S3StoreConfig.checkPresignExpiry(expiry, PRESIGN_EXPIRY));
        builder.cacheControl(S3StoreConfig.checkCacheControl(
                config.get(CACHE_CONTROL).orElse(S3StoreConfig.DEFAULT_CACHE_CONTROL), CACHE_CONTROL));
        builder.acl(S3StoreConfig.checkAcl(config.get(ACL).orElse(null), ACL));
        return builder.build();
    }

    private static Optional<StaticCredentialsProvider> credentials(ProviderConfig config) {
        Optional<String> accessKeyId = config.get(ACCESS_KEY_ID);
        Optional<String> secretAccessKey = config.get(SECRET_ACCESS_KEY);
        if (accessKeyId.isPresent() != secretAccessKey.isPresent()) {
            String missing = accessKeyId.isPresent() ? SECRET_ACCESS_KEY : ACCESS_KEY_ID;
            String present = accessKeyId.isPresent() ? ACCESS_KEY_ID : SECRET_ACCESS_KEY;
            throw new ConfigurationException("property " + missing + " must be set together with " + present
                    + ", or neither for the default AWS credentials chain");
        }
        return accessKeyId.map(id -> StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secretAccessKey.get())));
    }

    private static UrlMode urlMode(ProviderConfig config) {
        String value = config.get(URL_MODE).orElse("public");
        switch (value.toLowerCase(Locale.ROOT)) {
            case "public":
                return UrlMode.PUBLIC;
            case "presigned":
                return UrlMode.PRESIGNED;
            case "base-url":
                return UrlMode.BASE_URL;
            default:
                throw new ConfigurationException("property " + URL_MODE + " must be public, presigned or base-url, got '"
                        + value + "'");
        }
    }

    private static URI uri(ProviderConfig config, String key) {
        Optional<String> value = config.get(key);
        if (value.isEmpty()) {
            return null;
        }
        try {
            return new URI(value.get());
        } catch (URISyntaxException e) {
            throw new ConfigurationException("property " + key + " is not a URL: '" + value.get() + "'", e);
        }
    }
}
