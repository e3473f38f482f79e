package io.imgpipe.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.ConfigurationException;
import org.junit.jupiter.api.Test;

class CsvLimitsTest {

    @Test
    void withCopiesChangeOnlyTheirLimit() {
        CsvLimits limits = CsvLimits.defaults().withMaxBytes(1).withMaxRows(2).withMaxUrlsPerRow(3).withMaxUrlLength(4)
                .withMaxUrls(5);

        assertThat(limits).isEqualTo(new CsvLimits(1, 2, 3, 4, 5));
    }

    @Test
    void refusesLimitThatIsNotPositiveNamingIt() {
        assertThatThrownBy(() -> CsvLimits.DEFAULTS.withMaxUrlsPerRow(0))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("CsvLimits.maxUrlsPerRow must be positive, got 0");
    }
}
