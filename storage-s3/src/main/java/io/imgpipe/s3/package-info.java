/**
 * The {@link io.imgpipe.spi.ObjectStore} on AWS S3 and S3-compatible stores (MinIO, Cloudflare
 * R2, S3Proxy), built on the AWS SDK for Java v2 synchronous client with the Apache HttpClient 5
 * transport.
 *
 * <p>Wire it by hand with {@link io.imgpipe.s3.S3ObjectStore#builder(io.imgpipe.s3.S3StoreConfig)},
 * or by name ({@code s3}) through {@link io.imgpipe.s3.S3ObjectStoreProvider} and its
 * {@code imgpipe.s3.*} properties. {@link io.imgpipe.s3.S3StoreConfig} holds the settings and
 * {@link io.imgpipe.s3.UrlMode} chooses between public, presigned and CDN URLs.
 */
package io.imgpipe.s3;
