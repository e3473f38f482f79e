package io.imgpipe.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The store closes what it created and nothing it was given. SDK clients and presigners close
 * the credentials provider they were built with, so a closeable provider shows whether something
 * given was closed.
 */
class S3ObjectStoreLifecycleTest {

    private static final URI ENDPOINT = URI.create("http://127.0.0.1:9000");

    @Test
    void givenCredentialsProviderIsNotClosedWithTheClientAndPresignerTheStoreCreated() {
        ClosingCountingCredentials credentials = new ClosingCountingCredentials();
        S3ObjectStore store = S3ObjectStore.builder(presignedConfig()).credentialsProvider(credentials).build();
        store.url("r1/0.jpg");

        store.close();

        assertThat(credentials.closes()).isZero();
    }

    @Test
    void givenPresignerIsNotClosed() {
        ClosingCountingCredentials presignerCredentials = new ClosingCountingCredentials();
        S3Presigner presigner = S3Presigner.builder().region(Region.US_EAST_1).endpointOverride(ENDPOINT)
                .credentialsProvider(presignerCredentials).build();
        S3ObjectStore store = S3ObjectStore.builder(presignedConfig())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
                .presigner(presigner).build();

        store.close();

        assertThat(presignerCredentials.closes()).isZero();
        presigner.close();
        assertThat(presignerCredentials.closes()).as("closing the presigner closes its credentials").isEqualTo(1);
    }

    @Test
    void credentialsOfAGivenClientSurviveThePresignerTheStoreCreatedFromThem() {
        ClosingCountingCredentials credentials = new ClosingCountingCredentials();
        try (S3Client client = S3Client.builder().region(Region.US_EAST_1).endpointOverride(ENDPOINT)
                .forcePathStyle(true).credentialsProvider(credentials).build()) {
            S3ObjectStore store = S3ObjectStore.builder(presignedConfig()).client(client).build();
            assertThat(store.url("r1/0.jpg").getQuery()).contains("X-Amz-Credential=AKIDEXAMPLE/");

            store.close();

            assertThat(credentials.closes()).isZero();
        }
    }

    private static S3StoreConfig presignedConfig() {
        return S3StoreConfig.builder("images").endpointOverride(ENDPOINT).urlMode(UrlMode.PRESIGNED).build();
    }

    private static final class ClosingCountingCredentials implements AwsCredentialsProvider, SdkAutoCloseable {
        private final AtomicInteger closes = new AtomicInteger();

        @Override
        public AwsCredentials resolveCredentials() {
            return AwsBasicCredentials.create("AKIDEXAMPLE", "secret");
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }

        int closes() {
            return closes.get();
        }
    }
}
