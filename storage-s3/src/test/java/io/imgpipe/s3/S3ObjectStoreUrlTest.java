package io.imgpipe.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** URLs are made locally, without a request to the store. */
class S3ObjectStoreUrlTest {

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));
    private static final URI ENDPOINT = URI.create("http://127.0.0.1:9000");

    @Test
    void publicUrlIsPathStyleAgainstTheEndpointOverride() {
        try (S3ObjectStore store = store(S3StoreConfig.builder("images").endpointOverride(ENDPOINT).keyPrefix("out"))) {
            assertThat(store.url("r1/p1/0.jpg")).isEqualTo(URI.create("http://127.0.0.1:9000/images/out/r1/p1/0.jpg"));
        }
    }

    @Test
    void publicUrlIsVirtualHostedOnAwsByDefault() {
        try (S3ObjectStore store = store(S3StoreConfig.builder("images").region("eu-west-1"))) {
            assertThat(store.url("r1/0.jpg")).isEqualTo(URI.create("https://images.s3.eu-west-1.amazonaws.com/r1/0.jpg"));
        }
    }

    @Test
    void publicUrlIsPathStyleOnAwsWhenAsked() {
        try (S3ObjectStore store = store(S3StoreConfig.builder("images").region("eu-west-1").pathStyleAccess(true))) {
            assertThat(store.url("r1/0.jpg")).isEqualTo(URI.create("https://s3.eu-west-1.amazonaws.com/images/r1/0.jpg"));
        }
    }

    @Test
    void publicUrlIsVirtualHostedAgainstAnEndpointWhenAsked() {
        try (S3ObjectStore store = store(S3StoreConfig.builder("images").region("auto")
                .endpointOverride(URI.create("https://storage.example.com")).pathStyleAccess(false))) {
            assertThat(store.url("r1/0.jpg")).isEqualTo(URI.create("https://images.storage.example.com/r1/0.jpg"));
        }
    }

    @ParameterizedTest
    @CsvSource({
        "https://cdn.example.com,           '',        https://cdn.example.com/r1/0.jpg",
        "https://cdn.example.com/,          '',        https://cdn.example.com/r1/0.jpg",
        "https://cdn.example.com/assets,    '',        https://cdn.example.com/assets/r1/0.jpg",
        "https://cdn.example.com/assets//,  '',        https://cdn.example.com/assets/r1/0.jpg",
        "https://cdn.example.com,           out/v1,    https://cdn.example.com/out/v1/r1/0.jpg",
        "https://cdn.example.com/assets/,   out,       https://cdn.example.com/assets/out/r1/0.jpg",
    })
    void baseUrlJoinsBaseAndPrefixedKeyWithExactlyOneSlash(String baseUrl, String prefix, String expected) {
        try (S3ObjectStore store = store(S3StoreConfig.builder("images").region("eu-west-1").keyPrefix(prefix)
                .baseUrlMode(URI.create(baseUrl)))) {
            assertThat(store.url("r1/0.jpg")).isEqualTo(URI.create(expected));
        }
    }

    @Test
    void urlsUseTheEndpointOfAGivenClientWhenNoneIsConfigured() {
        try (S3Client minio = S3Client.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .endpointOverride(ENDPOINT).forcePathStyle(true).build();
                S3ObjectStore publicUrls = S3ObjectStore.builder(S3StoreConfig.builder("images").pathStyleAccess(true)
                        .build()).client(minio).build();
                S3ObjectStore presigned = S3ObjectStore.builder(S3StoreConfig.builder("images").pathStyleAccess(true)
                        .urlMode(UrlMode.PRESIGNED).build()).client(minio).build()) {
            assertThat(publicUrls.url("r1/0.jpg")).isEqualTo(URI.create("http://127.0.0.1:9000/images/r1/0.jpg"));
            URI signed = presigned.url("r1/0.jpg");
            assertThat(signed.getScheme() + "://" + signed.getAuthority() + signed.getPath())
                    .isEqualTo("http://127.0.0.1:9000/images/r1/0.jpg");
        }
    }

    @Test
    void aCreatedClientBoundsEachAttemptAndEachCall() {
        try (S3ObjectStore store = store(S3StoreConfig.builder("images").region("eu-west-1"))) {
            ClientOverrideConfiguration override = store.client().serviceClientConfiguration().overrideConfiguration();

            assertThat(override.apiCallAttemptTimeout()).contains(S3ObjectStore.ATTEMPT_TIMEOUT);
            assertThat(override.apiCallTimeout()).contains(S3ObjectStore.CALL_TIMEOUT);
        }
    }

    @Test
    void presignedUrlIsSignedForTheConfiguredExpiry() {
        try (S3ObjectStore store = store(S3StoreConfig.builder("images").endpointOverride(ENDPOINT).keyPrefix("out")
                .urlMode(UrlMode.PRESIGNED).presignExpiry(Duration.ofMinutes(15)))) {
            URI url = store.url("r1/0.jpg");

            assertThat(url.getScheme() + "://" + url.getAuthority() + url.getPath())
                    .isEqualTo("http://127.0.0.1:9000/images/out/r1/0.jpg");
            assertThat(url.getQuery()).contains("X-Amz-Expires=900").contains("X-Amz-Credential=AKIDEXAMPLE/")
                    .contains("X-Amz-Signature=");
        }
    }

    @Test
    void presignedUrlComesFromTheGivenPresigner() {
        try (S3Presigner presigner = S3Presigner.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .endpointOverride(URI.create("http://127.0.0.2:9999"))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();
             S3ObjectStore store = S3ObjectStore.builder(S3StoreConfig.builder("images").endpointOverride(ENDPOINT)
                     .urlMode(UrlMode.PRESIGNED).build())
                     .credentialsProvider(CREDENTIALS).presigner(presigner).build()) {
            assertThat(store.url("r1/0.jpg").getAuthority()).isEqualTo("127.0.0.2:9999");
        }
    }

    @Test
    void urlRefusesAnInvalidKey() {
        try (S3ObjectStore store = store(S3StoreConfig.builder("images").endpointOverride(ENDPOINT))) {
            assertThatThrownBy(() -> store.url("../etc/passwd")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("../etc/passwd");
        }
    }

    private static S3ObjectStore store(S3StoreConfig.Builder config) {
        return S3ObjectStore.builder(config.build()).credentialsProvider(CREDENTIALS).build();
    }
}
