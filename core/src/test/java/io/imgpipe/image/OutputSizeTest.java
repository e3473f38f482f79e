package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutputSizeTest {

    @ParameterizedTest(name = "{0}x{1} within {2}x{3} -> {4}x{5}")
    @CsvSource({
        "400, 300, 0, 0, 400, 300",
        "400, 300, 200, 0, 200, 150",
        "400, 300, 0, 100, 133, 100",
        "400, 300, 100, 100, 100, 75",
        "300, 400, 100, 100, 75, 100",
        "120, 80, 400, 400, 120, 80",
        "120, 80, 120, 80, 120, 80",
        "10000, 1, 100, 0, 100, 1",
        "1, 10000, 0, 100, 1, 100",
    })
    void fitsInsideBoundsKeepingAspectRatioWithoutEnlarging(int width, int height, int maxWidth, int maxHeight,
            int expectedWidth, int expectedHeight) {
        OutputSize size = OutputSize.fit(width, height, maxWidth, maxHeight);

        assertThat(size).isEqualTo(new OutputSize(expectedWidth, expectedHeight));
    }
}
