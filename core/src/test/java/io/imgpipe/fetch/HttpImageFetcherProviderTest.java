package io.imgpipe.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.ConfigurationException;
import io.imgpipe.spi.ImageFetcher;
import io.imgpipe.spi.ImageFetcherProvider;
import io.imgpipe.spi.ProviderConfig;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpImageFetcherProviderTest {

    @Test
    void isDiscoveredByServiceLoaderUnderTheNameHttp() {
        assertThat(ServiceLoader.load(ImageFetcherProvider.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(provider -> {
                    assertThat(provider).isInstanceOf(HttpImageFetcherProvider.class);
                    assertThat(provider.name()).isEqualTo("http");
                });
    }

    @Test
    void createsAFetcherWithDefaultsFromNoProperties() {
        try (ImageFetcher fetcher = new HttpImageFetcherProvider().create(ProviderConfig.empty())) {
            assertThat(fetcher).isInstanceOf(HttpImageFetcher.class);
            assertThat(((HttpImageFetcher) fetcher).config()).isEqualTo(FetcherConfig.defaults());
        }
    }

    @Test
    void readsEveryProperty() {
        FetcherConfig config = HttpImageFetcherProvider.fetcherConfig(new ProviderConfig(Map.of(
                "imgpipe.fetch.connect-timeout", "2s",
                "imgpipe.fetch.total-timeout", "PT1M",
                "imgpipe.fetch.max-bytes", "10MiB",
                "imgpipe.fetch.max-redirects", "3",
                "imgpipe.fetch.user-agent", "shop-sync/2.1")));

        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.totalTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.maxBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(config.maxRedirects()).isEqualTo(3);
        assertThat(config.userAgent()).isEqualTo("shop-sync/2.1");
        assertThat(config.addressPolicy()).isSameAs(AddressPolicy.publicOnly());
    }

    @Test
    void readsMaxBytesWithoutUnit() {
        FetcherConfig config = HttpImageFetcherProvider.fetcherConfig(new ProviderConfig(Map.of("imgpipe.fetch.max-bytes", "5000")));

        assertThat(config.maxBytes()).isEqualTo(5000);
    }

    @Test
    void allowPrivateNetworksSelectsAllowAll() {
        FetcherConfig config = HttpImageFetcherProvider.fetcherConfig(
                new ProviderConfig(Map.of("imgpipe.fetch.allow-private-networks", "true")));

        assertThat(config.addressPolicy()).isSameAs(AddressPolicy.allowAll());
    }

    @Test
    void allowedRangesAreAddedToPublicAddresses() {
        FetcherConfig config = HttpImageFetcherProvider.fetcherConfig(
                new ProviderConfig(Map.of("imgpipe.fetch.allowed-ranges", "10.20.0.0/16, fd12::/16")));

        assertThat(config.addressPolicy().allows(FakeDnsResolver.literal("10.20.3.4"))).isTrue();
        assertThat(config.addressPolicy().allows(FakeDnsResolver.literal("fd12::1"))).isTrue();
        assertThat(config.addressPolicy().allows(FakeDnsResolver.literal("8.8.8.8"))).isTrue();
        assertThat(config.addressPolicy().allows(FakeDnsResolver.literal("10.21.0.1"))).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
        "imgpipe.fetch.connect-timeout, soon",
        "imgpipe.fetch.connect-timeout, 0s",
        "imgpipe.fetch.total-timeout, forever",
        "imgpipe.fetch.max-bytes, lots",
        "imgpipe.fetch.max-bytes, 0",
        "imgpipe.fetch.max-bytes, 3GiB",
        "imgpipe.fetch.max-redirects, 99",
        "imgpipe.fetch.max-redirects, many",
        "imgpipe.fetch.allow-private-networks, yes",
        "imgpipe.fetch.allowed-ranges, intranet.example.com"
    })
    void anInvalidPropertyIsNamedInTheError(String key, String value) {
        ProviderConfig properties = new ProviderConfig(Map.of(key, value));

        assertThatThrownBy(() -> HttpImageFetcherProvider.fetcherConfig(properties))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(key);
    }
}
