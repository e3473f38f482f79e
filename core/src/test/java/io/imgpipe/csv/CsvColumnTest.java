package io.imgpipe.csv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CsvColumnTest {

    @ParameterizedTest
    @ValueSource(strings = {"Input Image Urls", "input image urls", "  INPUT IMAGE URLS\t", "Input \t  Image\u00a0Urls"})
    void matchesHeaderIgnoringCaseSurroundingSpacesAndInnerWhitespaceRuns(String cell) {
        assertThat(CsvColumn.matching(cell)).contains(CsvColumn.IMAGE_URLS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"InputImageUrls", "Input Image Url", "Input_Image_Urls", "S.No.", ""})
    void doesNotMatchOtherSpellings(String cell) {
        assertThat(CsvColumn.matching(cell)).isEmpty();
    }
}
