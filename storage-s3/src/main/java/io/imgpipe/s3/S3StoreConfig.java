package io.imgpipe.s3;

import io.imgpipe.ConfigurationException;
import io.imgpipe.spi.ObjectKeys;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;

/**
 * Where an {@link S3ObjectStore} keeps objects and how it writes them and makes their URLs.
 * Immutable; make one with {@link #builder(String)} and change one with {@link #toBuilder()}.
 * Holds no credentials: they come from the SDK's default chain or are given to
 * {@link S3ObjectStore.Builder#credentialsProvider}.
 *
 * <p>The region, endpoint override and path-style setting describe where the bucket lives; they
 * configure the clients the store creates and are always used to build {@link UrlMode#PUBLIC}
 * URLs, so a client passed to {@link S3ObjectStore.Builder#client} must point at the same place.
 *
 * @param bucket the bucket; 3 to 255 letters, digits, {@code .}, {@code _} and {@code -},
 *     starting and ending with a letter or digit (the store applies its own stricter rules)
 * @param region the region, for example {@code eu-west-1} or {@code auto} for Cloudflare R2;
 *     {@code null} means the SDK's default region chain ({@code AWS_REGION}, profile, instance
 *     metadata), or {@code us-east-1} when an endpoint override is set
 * @param keyPrefix put before every key with one {@code /} between, for example
 *     {@code images/v1}; follows the {@link ObjectKeys} rules, or is empty for none
 * @param endpointOverride the endpoint of an S3-compatible store (MinIO, Cloudflare R2,
 *     S3Proxy), for example {@code http://127.0.0.1:9000}; {@code null} for AWS S3
 * @param pathStyleAccess {@code true} for {@code https://endpoint/bucket/key} addressing,
 *     {@code false} for {@code https://bucket.endpoint/key}; the builder's default is
 *     {@code true} exactly when an endpoint override is set
 * @param urlMode how {@link S3ObjectStore#url(String)} makes URLs; default {@link UrlMode#PUBLIC}
 * @param presignExpiry how long a {@link UrlMode#PRESIGNED} URL stays valid; at least one
 *     second and at most 7 days (the SigV4 limit); default 1 hour
 * @param baseUrl the URL that keys are appended to in {@link UrlMode#BASE_URL} mode, for example
 *     {@code https://cdn.example.com/assets}; required in that mode and refused in the others
 * @param cacheControl the {@code Cache-Control} header stored with every object; default
 *     {@value #DEFAULT_CACHE_CONTROL}: the engine's keys are deterministic and an object is only
 *     rewritten before its URL is handed out, so the bytes behind a published URL never change
 * @param acl a canned ACL sent with every put, for example {@code public-read}; {@code null}
 *     (the default) sends none, leaving access to the bucket policy (buckets with Object
 *     Ownership "bucket owner enforced" reject ACLs)
 */
public record S3StoreConfig(
        String bucket,
        String region,
        String keyPrefix,
        URI endpointOverride,
        boolean pathStyleAccess,
        UrlMode urlMode,
        Duration presignExpiry,
        URI baseUrl,
        String cacheControl,
        String acl) {

    /** The default {@code Cache-Control}: cacheable by anyone for a year, never revalidated. */
    public static final String DEFAULT_CACHE_CONTROL = "public, max-age=31536000, immutable";

    /** The default lifetime of a presigned URL: one hour. */
    public static final Duration DEFAULT_PRESIGN_EXPIRY = Duration.ofHours(1);

    /** The longest lifetime of a presigned URL that SigV4 allows: seven days. */
    public static final Duration MAX_PRESIGN_EXPIRY = Duration.ofDays(7);

    private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{1,253})[A-Za-z0-9]");
    private static final Pattern REGION = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})");
    private static final int MAX_CACHE_CONTROL_LENGTH = 1024;

    /** Validates every field, naming the first one that is wrong. */
    public S3StoreConfig {
        bucket = checkBucket(bucket, "S3StoreConfig.bucket");
        region = checkRegion(region, "S3StoreConfig.region");
        keyPrefix = checkKeyPrefix(keyPrefix, "S3StoreConfig.keyPrefix");
        endpointOverride = checkEndpoint(endpointOverride, "S3StoreConfig.endpointOverride");
        if (urlMode == null) {
            throw new ConfigurationException("S3StoreConfig.urlMode must be set (PUBLIC, PRESIGNED or BASE_URL)");
        }
        presignExpiry = checkPresignExpiry(presignExpiry, "S3StoreConfig.presignExpiry");
        baseUrl = checkBaseUrl(baseUrl, "S3StoreConfig.baseUrl");
        checkBaseUrlMatchesMode(baseUrl, urlMode, "S3StoreConfig.baseUrl", "S3StoreConfig.urlMode");
        cacheControl = checkCacheControl(cacheControl, "S3StoreConfig.cacheControl");
        acl = checkAcl(acl, "S3StoreConfig.acl");
    }

    /**
     * {@return a builder for that bucket holding the defaults}
     *
     * @param bucket the bucket
     */
    public static Builder builder(String bucket) {
        return new Builder(bucket);
    }

    /**
     * {@return the defaults for that bucket: AWS S3, default region chain, no prefix, public URLs}
     *
     * @param bucket the bucket
     */
    public static S3StoreConfig of(String bucket) {
        return builder(bucket).build();
    }

    /** {@return a builder holding these settings} */
    public Builder toBuilder() {
        return new Builder(this);
    }

    static String checkBucket(String bucket, String setting) {
        if (bucket == null || bucket.isBlank()) {
            throw new ConfigurationException(setting + " must be set to the bucket name");
        }
        if (!BUCKET.matcher(bucket).matches()) {
            throw new ConfigurationException(setting + " '" + bucket + "' is not a valid bucket name: use 3 to 255"
                    + " letters, digits, '.', '_' and '-', starting and ending with a letter or digit");
        }
        return bucket;
    }

    static String checkRegion(String region, String setting) {
        if (region == null) {
            return null;
        }
        if (!REGION.matcher(region).matches()) {
            throw new ConfigurationException(setting + " '" + region + "' is not a region name such as eu-west-1 or auto");
        }
        return region;
    }

    static String checkKeyPrefix(String keyPrefix, String setting) {
        if (keyPrefix == null) {
            throw new ConfigurationException(setting + " must not be null; use \"\" for no prefix");
        }
        if (keyPrefix.isEmpty()) {
            return keyPrefix;
        }
        try {
            return ObjectKeys.requireValid(keyPrefix);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(setting + " '" + keyPrefix + "' is invalid (write it without a leading"
                    + " or trailing '/'): " + e.getMessage(), e);
        }
    }

    static URI checkEndpoint(URI endpoint, String setting) {
        if (endpoint == null) {
            return null;
        }
        requireHttpUrl(endpoint, setting);
        return endpoint;
    }

    static Duration checkPresignExpiry(Duration expiry, String setting) {
        if (expiry == null) {
            throw new ConfigurationException(setting + " must be set");
        }
        if (expiry.compareTo(Duration.ofSeconds(1)) < 0 || expiry.compareTo(MAX_PRESIGN_EXPIRY) > 0) {
            throw new ConfigurationException(setting + " must be between 1 second and 7 days, got " + expiry);
        }
        return expiry;
    }

    static URI checkBaseUrl(URI baseUrl, String setting) {
        if (baseUrl == null) {
            return null;
        }
        requireHttpUrl(baseUrl, setting);
        return baseUrl;
    }

    static void checkBaseUrlMatchesMode(URI baseUrl, UrlMode urlMode, String baseUrlSetting, String urlModeSetting) {
        if (urlMode == UrlMode.BASE_URL && baseUrl == null) {
            throw new ConfigurationException(baseUrlSetting + " must be set when " + urlModeSetting + " is BASE_URL");
        }
        if (urlMode != UrlMode.BASE_URL && baseUrl != null) {
            throw new ConfigurationException(baseUrlSetting + " is only used when " + urlModeSetting
                    + " is BASE_URL, but it is " + urlMode + "; remove one of them");
        }
    }

    static String checkCacheControl(String cacheControl, String setting) {
        if (cacheControl == null || cacheControl.isBlank()) {
            throw new ConfigurationException(setting + " must not be blank (default: " + DEFAULT_CACHE_CONTROL + ")");
        }
        if (cacheControl.length() > MAX_CACHE_CONTROL_LENGTH || !cacheControl.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new ConfigurationException(setting + " must be at most " + MAX_CACHE_CONTROL_LENGTH
                    + " printable ASCII characters, got '" + cacheControl + "'");
        }
        return cacheControl.trim();
    }

    static String checkAcl(String acl, String setting) {
        if (acl == null) {
            return null;
        }
        ObjectCannedACL canned = ObjectCannedACL.fromValue(acl.trim().toLowerCase(Locale.ROOT));
        if (canned == null || canned == ObjectCannedACL.UNKNOWN_TO_SDK_VERSION) {
            throw new ConfigurationException(setting + " '" + acl + "' is not a canned ACL; use one of "
                    + ObjectCannedACL.knownValues());
        }
        return canned.toString();
    }

    private static void requireHttpUrl(URI url, String setting) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new ConfigurationException(setting + " must be an absolute http or https URL, got '" + url + "'");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new ConfigurationException(setting + " must name a host, got '" + url + "'");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null || url.getRawUserInfo() != null) {
            throw new ConfigurationException(setting + " must not carry a query, fragment or user info, got '" + url + "'");
        }
    }

    /**
     * Builds an {@link S3StoreConfig}; {@link #build()} validates. Not thread-safe.
     */
    public static final class Builder {
        private String bucket;
        private String region;
        private String keyPrefix = "";
        private URI endpointOverride;
        private Boolean pathStyleAccess;
        private UrlMode urlMode = UrlMode.PUBLIC;
        private Duration presignExpiry = DEFAULT_PRESIGN_EXPIRY;
        private URI baseUrl;
        private String cacheControl = DEFAULT_CACHE_CONTROL;
        private String acl;

        private Builder(String bucket) {
            this.bucket = bucket;
        }

        private Builder(S3StoreConfig c) {
            bucket = c.bucket;
            region = c.region;
            keyPrefix = c.keyPrefix;
            endpointOverride = c.endpointOverride;
            pathStyleAccess = c.pathStyleAccess;
            urlMode = c.urlMode;
            presignExpiry = c.presignExpiry;
            baseUrl = c.baseUrl;
            cacheControl = c.cacheControl;
            acl = c.acl;
        }

        /**
         * Sets the bucket.
         *
         * @param value the bucket
         * @return this builder
         */
        public Builder bucket(String value) {
            bucket = value;
            return this;
        }

        /**
         * Sets the region.
         *
         * @param value the region, or {@code null} for the default
         * @return this builder
         */
        public Builder region(String value) {
            region = value;
            return this;
        }

        /**
         * Sets the key prefix.
         *
         * @param value the key prefix, or {@code ""} for none
         * @return this builder
         */
        public Builder keyPrefix(String value) {
            keyPrefix = value;
            return this;
        }

        /**
         * Sets the endpoint of an S3-compatible store.
         *
         * @param value the endpoint of an S3-compatible store, or {@code null} for AWS
         * @return this builder
         */
        public Builder endpointOverride(URI value) {
            endpointOverride = value;
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param value path-style ({@code true}) or virtual-hosted ({@code false}) addressing;
         *     unset means path-style exactly when an endpoint override is set
         */
        public Builder pathStyleAccess(boolean value) {
            pathStyleAccess = value;
            return this;
        }

        /**
         * Sets how URLs are made.
         *
         * @param value how URLs are made
         * @return this builder
         */
        public Builder urlMode(UrlMode value) {
            urlMode = value;
            return this;
        }

        /**
         * Sets the lifetime of presigned URLs.
         *
         * @param value the lifetime of presigned URLs
         * @return this builder
         */
        public Builder presignExpiry(Duration value) {
            presignExpiry = value;
            return this;
        }

        /**
         * Sets the base URL for {@link UrlMode#BASE_URL}.
         *
         * @param value the base URL for {@link UrlMode#BASE_URL}
         * @return this builder
         */
        public Builder baseUrl(URI value) {
            baseUrl = value;
            return this;
        }

        /**
         * Sets {@link UrlMode#BASE_URL} with this base URL.
         *
         * @param value the base URL
         * @return this builder
         */
        public Builder baseUrlMode(URI value) {
            urlMode = UrlMode.BASE_URL;
            baseUrl = value;
            return this;
        }

        /**
         * Sets the {@code Cache-Control} header stored with objects.
         *
         * @param value the {@code Cache-Control} header stored with objects
         * @return this builder
         */
        public Builder cacheControl(String value) {
            cacheControl = value;
            return this;
        }

        /**
         * Sets a canned ACL such as {@code public-read}.
         *
         * @param value a canned ACL such as {@code public-read}, or {@code null} for none
         * @return this builder
         */
        public Builder acl(String value) {
            acl = value;
            return this;
        }

        /**
         * {@return the configuration}
         *
         * @throws ConfigurationException naming the first field that is wrong
         */
        public S3StoreConfig build() {
            boolean pathStyle = pathStyleAccess != null ? pathStyleAccess : endpointOverride != null;
            return new S3StoreConfig(bucket, region, keyPrefix, endpointOverride, pathStyle, urlMode, presignExpiry,
                    baseUrl, cacheControl, acl);
        }
    }
}
