package io.imgpipe.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.ConfigurationException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class S3StoreConfigTest {

    private static final URI ENDPOINT = URI.create("http://127.0.0.1:9000");

    @Test
    void defaultsDescribePrivateAwsObjectsWithPublicUrls() {
        S3StoreConfig config = S3StoreConfig.of("product-images");

        assertThat(config.bucket()).isEqualTo("product-images");
        assertThat(config.region()).isNull();
        assertThat(config.keyPrefix()).isEmpty();
        assertThat(config.endpointOverride()).isNull();
        assertThat(config.pathStyleAccess()).isFalse();
        assertThat(config.urlMode()).isEqualTo(UrlMode.PUBLIC);
        assertThat(config.presignExpiry()).isEqualTo(Duration.ofHours(1));
        assertThat(config.baseUrl()).isNull();
        assertThat(config.cacheControl()).isEqualTo("public, max-age=31536000, immutable");
        assertThat(config.acl()).isNull();
    }

    @Test
    void pathStyleDefaultsToOnWhenAnEndpointIsOverridden() {
        assertThat(S3StoreConfig.builder("b1b").endpointOverride(ENDPOINT).build().pathStyleAccess()).isTrue();
    }

    @Test
    void explicitPathStyleWinsOverTheDefault() {
        S3StoreConfig config = S3StoreConfig.builder("b1b").endpointOverride(ENDPOINT).pathStyleAccess(false).build();

        assertThat(config.pathStyleAccess()).isFalse();
    }

    @Test
    void toBuilderKeepsEverySetting() {
        S3StoreConfig config = S3StoreConfig.builder("b1b").region("eu-west-1").keyPrefix("images/v1")
                .endpointOverride(ENDPOINT).pathStyleAccess(false).urlMode(UrlMode.PRESIGNED)
                .presignExpiry(Duration.ofMinutes(5)).cacheControl("no-cache").acl("public-read").build();

        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    void refusesMissingBucket() {
        assertThatThrownBy(() -> S3StoreConfig.of(" "))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("S3StoreConfig.bucket");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "my bucket", "-images", "images-", "images/2024", "imägés"})
    void refusesInvalidBucketNames(String bucket) {
        assertThatThrownBy(() -> S3StoreConfig.of(bucket))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("S3StoreConfig.bucket '" + bucket + "'");
    }

    @Test
    void acceptsLegacyBucketNamesWithUpperCaseAndUnderscores() {
        assertThat(S3StoreConfig.of("Legacy_Bucket.2017").bucket()).isEqualTo("Legacy_Bucket.2017");
    }

    @Test
    void refusesRegionWithSpaces() {
        assertThatThrownBy(() -> S3StoreConfig.builder("b1b").region("eu west 1").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("S3StoreConfig.region");
    }

    @Test
    void acceptsNestedKeyPrefix() {
        assertThat(S3StoreConfig.builder("b1b").keyPrefix("images/v1").build().keyPrefix()).isEqualTo("images/v1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"images/", "/images", "a//b", "a/../b", "images v1", "ünïcode"})
    void refusesKeyPrefixBreakingTheKeyRules(String prefix) {
        assertThatThrownBy(() -> S3StoreConfig.builder("b1b").keyPrefix(prefix).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("S3StoreConfig.keyPrefix '" + prefix + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://127.0.0.1:9000", "localhost:9000", "http:///path", "http://h:9000/?x=1",
            "http://user:pw@h:9000", "/relative"})
    void refusesEndpointThatIsNotAPlainHttpUrl(String endpoint) {
        assertThatThrownBy(() -> S3StoreConfig.builder("b1b").endpointOverride(URI.create(endpoint)).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("S3StoreConfig.endpointOverride");
    }

    @Test
    void acceptsPresignExpiryOfExactlySevenDays() {
        assertThat(S3StoreConfig.builder("b1b").presignExpiry(Duration.ofDays(7)).build().presignExpiry())
                .isEqualTo(Duration.ofDays(7));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT0.5S", "-PT1H", "PT168H1S"})
    void refusesPresignExpiryOutsideOneSecondToSevenDays(String expiry) {
        assertThatThrownBy(() -> S3StoreConfig.builder("b1b").presignExpiry(Duration.parse(expiry)).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("S3StoreConfig.presignExpiry");
    }

    @Test
    void requiresBaseUrlInBaseUrlMode() {
        assertThatThrownBy(() -> S3StoreConfig.builder("b1b").urlMode(UrlMode.BASE_URL).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("S3StoreConfig.baseUrl must be set");
    }

    @Test
    void refusesBaseUrlInAnotherMode() {
        assertThatThrownBy(() -> S3StoreConfig.builder("b1b").urlMode(UrlMode.PRESIGNED)
                .baseUrl(URI.create("https://cdn.example.com")).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("S3StoreConfig.baseUrl is only used when S3StoreConfig.urlMode is BASE_URL");
    }

    @Test
    void baseUrlModeSetsModeAndUrl() {
        S3StoreConfig config = S3StoreConfig.builder("b1b").baseUrlMode(URI.create("https://cdn.example.com")).build();

        assertThat(config.urlMode()).isEqualTo(UrlMode.BASE_URL);
        assertThat(config.baseUrl()).isEqualTo(URI.create("https://cdn.example.com"));
    }

    @Test
    void refusesBaseUrlWithQuery() {
        assertThatThrownBy(() -> S3StoreConfig.builder("b1b").baseUrlMode(URI.create("https://cdn.example.com/?v=1")).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("S3StoreConfig.baseUrl");
    }

    @Test
    void refusesBlankCacheControl() {
        assertThatThrownBy(() -> S3StoreConfig.builder("b1b").cacheControl("  ").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("S3StoreConfig.cacheControl");
    }

    @Test
    void refusesCacheControlThatWouldSplitTheHeader() {
        assertThatThrownBy(() -> S3StoreConfig.builder("b1b").cacheControl("max-age=60\r\nx-amz-acl: public-read").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("S3StoreConfig.cacheControl");
    }

    @Test
    void acceptsCannedAclInAnyCase() {
        assertThat(S3StoreConfig.builder("b1b").acl("Public-Read").build().acl()).isEqualTo("public-read");
    }

    @Test
    void refusesUnknownAclListingTheKnownOnes() {
        assertThatThrownBy(() -> S3StoreConfig.builder("b1b").acl("world-writable").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("S3StoreConfig.acl 'world-writable'")
                .hasMessageContaining("public-read");
    }
}
