package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.spi.RequestCursor;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The opaque cursor of {@code GET /product/requests}. */
class RequestListingTest {

    @Test
    void aCursorDecodesToThePositionItWasMadeFrom() {
        RequestCursor cursor = new RequestCursor(Instant.parse("2026-03-01T11:58:12.345678901Z"),
                "6f1c2d3e-0000-4000-8000-0123456789ab");

        String encoded = RequestListing.encode(cursor);

        assertThat(encoded).matches("[A-Za-z0-9_-]+");
        assertThat(RequestListing.decode(encoded)).isEqualTo(cursor);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not base64!", "%%%", "YWJj"})
    void refusesWhatIsNotACursor(String value) {
        assertThatThrownBy(() -> RequestListing.decode(value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesACursorWithABadTimeOrId() {
        assertThatThrownBy(() -> RequestListing.decode(encoded("yesterday abc"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RequestListing.decode(encoded("2026-03-01T00:00:00Z {\"$gt\":\"\"}")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RequestListing.decode(encoded("2026-03-01T00:00:00Z " + "x".repeat(65))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAnOverlongCursorBeforeDecodingIt() {
        assertThatThrownBy(() -> RequestListing.decode("A".repeat(10_000))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("too long");
    }

    private static String encoded(String plain) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }
}
