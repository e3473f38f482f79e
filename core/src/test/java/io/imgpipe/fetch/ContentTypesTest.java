package io.imgpipe.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContentTypesTest {

    @ParameterizedTest
    @ValueSource(strings = {"text/html", "text/html; charset=UTF-8", "TEXT/PLAIN", "application/json", "application/problem+json",
        "application/xml", "application/atom+xml", "application/javascript", "video/mp4", "multipart/form-data; boundary=x",
        "application/pdf"})
    void declaresNonImage(String contentType) {
        assertThat(ContentTypes.declaresNonImage(contentType)).as(contentType).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"image/jpeg", "image/png; q=1", "IMAGE/WEBP", "image/svg+xml", "application/octet-stream",
        "binary/octet-stream", "application/x-unknown", " "})
    void leavesTheDecisionToTheBody(String contentType) {
        assertThat(ContentTypes.declaresNonImage(contentType)).as(contentType).isFalse();
    }

    @Test
    void aMissingTypeIsNotRefused() {
        assertThat(ContentTypes.declaresNonImage(null)).isFalse();
    }
}
