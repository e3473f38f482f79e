package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.ConfigurationException;
import io.imgpipe.spi.ImageCompressor;
import io.imgpipe.spi.ImageCompressorProvider;
import io.imgpipe.spi.ProviderConfig;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ThumbnailatorCompressorProviderTest {

    private final ThumbnailatorCompressorProvider provider = new ThumbnailatorCompressorProvider();

    @Test
    void isDiscoveredByServiceLoaderUnderItsName() {
        List<String> names = ServiceLoader.load(ImageCompressorProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .map(ImageCompressorProvider::name)
                .collect(Collectors.toList());

        assertThat(names).contains("thumbnailator");
    }

    @Test
    void createsCompressorWithDefaultsWhenNoPropertyIsSet() {
        ImageCompressor compressor = provider.create(ProviderConfig.empty());

        assertThat(compressor).isInstanceOf(ThumbnailatorCompressor.class);
        assertThat(((ThumbnailatorCompressor) compressor).config()).isEqualTo(CompressorConfig.DEFAULTS);
    }

    @Test
    void readsEveryProperty() {
        ProviderConfig properties = new ProviderConfig(Map.of(
                "imgpipe.image.quality", "0.8",
                "imgpipe.image.max-width", "1024",
                "imgpipe.image.max-height", "768",
                "imgpipe.image.max-pixels", "1000000",
                "imgpipe.image.optimize-huffman", "false",
                "imgpipe.image.transcode-jpegs", "false"));

        CompressorConfig config = ((ThumbnailatorCompressor) provider.create(properties)).config();

        assertThat(config).isEqualTo(new CompressorConfig(0.8f, 1024, 768, 1_000_000L, false, false));
    }

    @Test
    void refusesMalformedQualityNamingTheProperty() {
        ProviderConfig properties = new ProviderConfig(Map.of("imgpipe.image.quality", "high"));

        assertThatThrownBy(() -> provider.create(properties))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.image.quality")
                .hasMessageContaining("high");
    }

    @Test
    void refusesQualityOutOfRangeNamingTheProperty() {
        ProviderConfig properties = new ProviderConfig(Map.of("imgpipe.image.quality", "1.5"));

        assertThatThrownBy(() -> provider.create(properties))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.image.quality")
                .hasMessageContaining("1.5");
    }

    @Test
    void refusesNegativeMaxHeightNamingTheProperty() {
        ProviderConfig properties = new ProviderConfig(Map.of("imgpipe.image.max-height", "-1"));

        assertThatThrownBy(() -> provider.create(properties))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.image.max-height");
    }

    @Test
    void refusesMalformedMaxPixelsNamingTheProperty() {
        ProviderConfig properties = new ProviderConfig(Map.of("imgpipe.image.max-pixels", "50MP"));

        assertThatThrownBy(() -> provider.create(properties))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.image.max-pixels");
    }
}
