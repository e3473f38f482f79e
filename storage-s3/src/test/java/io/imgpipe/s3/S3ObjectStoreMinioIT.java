package io.imgpipe.s3;

import java.net.URI;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * {@link S3ObjectStore} against MinIO in a container; skipped where no Docker engine is available.
 */
@Testcontainers(disabledWithoutDocker = true)
class S3ObjectStoreMinioIT extends S3CompatibleStoreTests {

    @Container
    private static final MinIOContainer MINIO = new MinIOContainer("minio/minio:RELEASE.2023-09-04T19-57-37Z");

    @Override
    protected URI endpoint() {
        return URI.create(MINIO.getS3URL());
    }

    @Override
    protected String accessKey() {
        return MINIO.getUserName();
    }

    @Override
    protected String secretKey() {
        return MINIO.getPassword();
    }
}
