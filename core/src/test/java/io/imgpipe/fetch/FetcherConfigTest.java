package io.imgpipe.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.ConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FetcherConfigTest {

    @Test
    void defaultsRefusePrivateNetworks() {
        assertThat(FetcherConfig.defaults().addressPolicy()).isSameAs(AddressPolicy.publicOnly());
    }

    @Test
    void withCopiesChangeOneField() {
        FetcherConfig config = FetcherConfig.defaults().withTotalTimeout(Duration.ofSeconds(3)).withMaxBytes(1000);

        assertThat(config.totalTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.maxBytes()).isEqualTo(1000);
        assertThat(config.connectTimeout()).isEqualTo(FetcherConfig.defaults().connectTimeout());
    }

    @Test
    void maxBytesAboveWhatAnArrayHoldsIsRefused() {
        assertThatThrownBy(() -> FetcherConfig.defaults().withMaxBytes(FetcherConfig.MAX_BYTES_LIMIT + 1))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("FetcherConfig.maxBytes");
    }

    @Test
    void negativeTimeoutIsRefused() {
        assertThatThrownBy(() -> FetcherConfig.defaults().withConnectTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("FetcherConfig.connectTimeout");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "agent\r\nX-Injected: 1", "agent\u0000"})
    void userAgentThatCannotBeAHeaderIsRefused(String userAgent) {
        assertThatThrownBy(() -> FetcherConfig.defaults().withUserAgent(userAgent))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("FetcherConfig.userAgent");
    }
}
