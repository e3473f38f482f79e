package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.ConfigurationException;
import org.junit.jupiter.api.Test;

class CompressorConfigTest {

    @Test
    void defaultsToHalfQualitySameSizeFiftyMegapixelsOptimizedHuffman() {
        assertThat(CompressorConfig.defaults()).isEqualTo(new CompressorConfig(0.5f, 0, 0, 50_000_000L, true, true));
        assertThat(CompressorConfig.defaults().resizes()).isFalse();
    }

    @Test
    void fourArgumentConstructorKeepsOptimizedHuffmanOn() {
        assertThat(new CompressorConfig(0.7f, 10, 20, 30L).optimizeHuffman()).isTrue();
    }

    @Test
    void fiveArgumentConstructorKeepsJpegTranscodingOn() {
        assertThat(new CompressorConfig(0.7f, 10, 20, 30L, false).transcodeJpegs()).isTrue();
    }

    @Test
    void transcodingCopyChangesOnlyThatField() {
        assertThat(CompressorConfig.DEFAULTS.withTranscodeJpegs(false))
                .isEqualTo(new CompressorConfig(0.5f, 0, 0, 50_000_000L, true, false));
    }

    @Test
    void copiesChangeOnlyTheirField() {
        CompressorConfig config = CompressorConfig.DEFAULTS.withQuality(0.9f).withMaxSize(800, 600)
                .withMaxPixels(1000L).withOptimizeHuffman(false);

        assertThat(config).isEqualTo(new CompressorConfig(0.9f, 800, 600, 1000L, false));
        assertThat(config.resizes()).isTrue();
    }

    @Test
    void refusesQualityAboveOneNamingTheField() {
        assertThatThrownBy(() -> CompressorConfig.DEFAULTS.withQuality(1.01f))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CompressorConfig.quality");
    }

    @Test
    void refusesNanQuality() {
        assertThatThrownBy(() -> CompressorConfig.DEFAULTS.withQuality(Float.NaN))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CompressorConfig.quality");
    }

    @Test
    void refusesNegativeMaxWidthNamingTheField() {
        assertThatThrownBy(() -> CompressorConfig.DEFAULTS.withMaxSize(-1, 0))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CompressorConfig.maxWidth");
    }

    @Test
    void refusesZeroMaxPixelsNamingTheField() {
        assertThatThrownBy(() -> CompressorConfig.DEFAULTS.withMaxPixels(0))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CompressorConfig.maxPixels");
    }
}
