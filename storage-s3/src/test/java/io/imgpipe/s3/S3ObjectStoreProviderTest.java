package io.imgpipe.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.ConfigurationException;
import io.imgpipe.spi.ObjectStore;
import io.imgpipe.spi.ObjectStoreProvider;
import io.imgpipe.spi.ProviderConfig;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class S3ObjectStoreProviderTest {

    private final S3ObjectStoreProvider provider = new S3ObjectStoreProvider();

    @Test
    void isDiscoveredUnderTheNameS3() {
        assertThat(ServiceLoader.load(ObjectStoreProvider.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(p -> {
                    assertThat(p).isInstanceOf(S3ObjectStoreProvider.class);
                    assertThat(p.name()).isEqualTo("s3");
                });
    }

    @Test
    void readsEverySetting() {
        S3StoreConfig config = S3ObjectStoreProvider.storeConfig(properties(
                "imgpipe.s3.bucket", "images",
                "imgpipe.s3.region", "eu-west-1",
                "imgpipe.s3.prefix", "out/v1",
                "imgpipe.s3.endpoint", "http://127.0.0.1:9000",
                "imgpipe.s3.path-style", "false",
                "imgpipe.s3.url-mode", "PRESIGNED",
                "imgpipe.s3.presign-expiry", "15m",
                "imgpipe.s3.cache-control", "public, max-age=60",
                "imgpipe.s3.acl", "public-read"));

        assertThat(config).isEqualTo(S3StoreConfig.builder("images").region("eu-west-1").keyPrefix("out/v1")
                .endpointOverride(URI.create("http://127.0.0.1:9000")).pathStyleAccess(false)
                .urlMode(UrlMode.PRESIGNED).presignExpiry(Duration.ofMinutes(15))
                .cacheControl("public, max-age=60").acl("public-read").build());
    }

    @Test
    void onlyTheBucketIsRequired() {
        assertThat(S3ObjectStoreProvider.storeConfig(properties("imgpipe.s3.bucket", "images")))
                .isEqualTo(S3StoreConfig.of("images"));
    }

    @Test
    void pathStyleDefaultsToOnWithAnEndpoint() {
        S3StoreConfig config = S3ObjectStoreProvider.storeConfig(properties(
                "imgpipe.s3.bucket", "images", "imgpipe.s3.endpoint", "http://127.0.0.1:9000"));

        assertThat(config.pathStyleAccess()).isTrue();
    }

    @Test
    void readsBaseUrlMode() {
        S3StoreConfig config = S3ObjectStoreProvider.storeConfig(properties(
                "imgpipe.s3.bucket", "images", "imgpipe.s3.url-mode", "base-url",
                "imgpipe.s3.base-url", "https://cdn.example.com/assets"));

        assertThat(config.urlMode()).isEqualTo(UrlMode.BASE_URL);
        assertThat(config.baseUrl()).isEqualTo(URI.create("https://cdn.example.com/assets"));
    }

    @Test
    void refusesMissingBucketNamingTheProperty() {
        assertThatThrownBy(() -> provider.create(ProviderConfig.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.s3.bucket");
    }

    @Test
    void refusesInvalidPrefixNamingTheProperty() {
        assertThatThrownBy(() -> S3ObjectStoreProvider.storeConfig(properties(
                "imgpipe.s3.bucket", "images", "imgpipe.s3.prefix", "/out/")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.s3.prefix '/out/'");
    }

    @Test
    void refusesUnknownUrlModeNamingTheProperty() {
        assertThatThrownBy(() -> S3ObjectStoreProvider.storeConfig(properties(
                "imgpipe.s3.bucket", "images", "imgpipe.s3.url-mode", "signed")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.s3.url-mode")
                .hasMessageContaining("public, presigned or base-url");
    }

    @Test
    void refusesBaseUrlModeWithoutBaseUrlNamingTheProperty() {
        assertThatThrownBy(() -> S3ObjectStoreProvider.storeConfig(properties(
                "imgpipe.s3.bucket", "images", "imgpipe.s3.url-mode", "base-url")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.s3.base-url must be set when imgpipe.s3.url-mode is BASE_URL");
    }

    @Test
    void refusesPresignExpiryOverSevenDaysNamingTheProperty() {
        assertThatThrownBy(() -> S3ObjectStoreProvider.storeConfig(properties(
                "imgpipe.s3.bucket", "images", "imgpipe.s3.presign-expiry", "8d")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.s3.presign-expiry");
    }

    @Test
    void refusesEndpointThatIsNotAUrlNamingTheProperty() {
        assertThatThrownBy(() -> S3ObjectStoreProvider.storeConfig(properties(
                "imgpipe.s3.bucket", "images", "imgpipe.s3.endpoint", "http://bad host:9000")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.s3.endpoint");
    }

    @Test
    void refusesUnknownAclNamingTheProperty() {
        assertThatThrownBy(() -> S3ObjectStoreProvider.storeConfig(properties(
                "imgpipe.s3.bucket", "images", "imgpipe.s3.acl", "everyone")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.s3.acl 'everyone'");
    }

    @Test
    void refusesAccessKeyWithoutSecret() {
        assertThatThrownBy(() -> provider.create(properties(
                "imgpipe.s3.bucket", "images", "imgpipe.s3.access-key-id", "AKIDEXAMPLE")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.s3.secret-access-key must be set together with imgpipe.s3.access-key-id");
    }

    @Test
    void createsAStoreFromProperties() {
        try (ObjectStore store = provider.create(properties(
                "imgpipe.s3.bucket", "images",
                "imgpipe.s3.endpoint", "http://127.0.0.1:9000",
                "imgpipe.s3.access-key-id", "AKIDEXAMPLE",
                "imgpipe.s3.secret-access-key", "secret"))) {
            assertThat(store).isInstanceOf(S3ObjectStore.class);
            assertThat(store.url("r1/0.jpg")).isEqualTo(URI.create("http://127.0.0.1:9000/images/r1/0.jpg"));
        }
    }

    private static ProviderConfig properties(String... keysAndValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return new ProviderConfig(map);
    }
}
