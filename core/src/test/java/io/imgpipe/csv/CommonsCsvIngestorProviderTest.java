package io.imgpipe.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.ConfigurationException;
import io.imgpipe.spi.CsvIngestor;
import io.imgpipe.spi.CsvIngestorProvider;
import io.imgpipe.spi.ProviderConfig;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommonsCsvIngestorProviderTest {

    private final CommonsCsvIngestorProvider provider = new CommonsCsvIngestorProvider();

    @Test
    void isDiscoveredByServiceLoaderUnderItsName() {
        assertThat(ServiceLoader.load(CsvIngestorProvider.class).stream().map(ServiceLoader.Provider::get))
                .filteredOn(p -> p.name().equals("commons-csv"))
                .singleElement()
                .isInstanceOf(CommonsCsvIngestorProvider.class);
    }

    @Test
    void createsIngestorWithDefaultLimitsFromEmptyConfig() {
        CsvIngestor ingestor = provider.create(ProviderConfig.empty());

        assertThat(ingestor).isInstanceOfSatisfying(CommonsCsvIngestor.class,
                i -> assertThat(i.limits()).isEqualTo(CsvLimits.DEFAULTS));
    }

    @Test
    void readsEveryLimitFromItsProperty() {
        CsvIngestor ingestor = provider.create(new ProviderConfig(Map.of(
                "imgpipe.csv.max-bytes", "5000000000",
                "imgpipe.csv.max-rows", " 10 ",
                "imgpipe.csv.max-urls-per-row", "3",
                "imgpipe.csv.max-url-length", "100",
                "imgpipe.csv.max-urls", "25")));

        assertThat(ingestor).isInstanceOfSatisfying(CommonsCsvIngestor.class,
                i -> assertThat(i.limits()).isEqualTo(new CsvLimits(5_000_000_000L, 10, 3, 100, 25)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"imgpipe.csv.max-bytes", "imgpipe.csv.max-rows", "imgpipe.csv.max-urls-per-row",
        "imgpipe.csv.max-url-length"})
    void refusesNonNumericLimitNamingTheProperty(String key) {
        assertThatThrownBy(() -> provider.create(new ProviderConfig(Map.of(key, "lots"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(key)
                .hasMessageContaining("'lots'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"imgpipe.csv.max-bytes", "imgpipe.csv.max-rows", "imgpipe.csv.max-urls-per-row",
        "imgpipe.csv.max-url-length"})
    void refusesLimitThatIsNotPositiveNamingTheProperty(String key) {
        assertThatThrownBy(() -> provider.create(new ProviderConfig(Map.of(key, "0"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("property " + key + " must be a positive integer, got 0");
    }
}
