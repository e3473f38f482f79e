package io.imgpipe.s3;

/**
 * How {@link S3ObjectStore#url(String)} turns an object key into the URL clients download from.
 */
public enum UrlMode {

    /**
     * The object's own S3 URL, path-style or virtual-hosted as configured, against the endpoint
     * override when there is one. Downloadable only if the bucket or object is publicly readable
     * (for example with {@link S3StoreConfig#acl()} {@code public-read} or a bucket policy).
     */
    PUBLIC,

    /**
     * A presigned GET URL valid for {@link S3StoreConfig#presignExpiry()}, made afresh on every
     * call; works for private buckets.
     */
    PRESIGNED,

    /**
     * {@link S3StoreConfig#baseUrl()} followed by the key prefix and the key, for buckets served
     * through a CDN or a custom domain.
     */
    BASE_URL
}
