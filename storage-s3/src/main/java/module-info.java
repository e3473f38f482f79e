/**
 * imgpipe storage-s3: an {@code ObjectStore} on AWS S3 and S3-compatible stores (AWS SDK for
 * Java v2, sync client over the Apache 5 HTTP client).
 */
module io.imgpipe.s3 {
    requires transitive io.imgpipe.core;
    requires transitive software.amazon.awssdk.services.s3;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.auth;
    requires software.amazon.awssdk.identity.spi;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.apache5;
    requires org.slf4j;

    exports io.imgpipe.s3;

    provides io.imgpipe.spi.ObjectStoreProvider with io.imgpipe.s3.S3ObjectStoreProvider;
}
