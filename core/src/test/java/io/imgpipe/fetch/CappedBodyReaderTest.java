package io.imgpipe.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.FetchException;
import io.imgpipe.FetchException.Reason;
import io.imgpipe.testkit.TestImages;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CappedBodyReaderTest {

    private static final URI URL = URI.create("http://images.example.com/a.jpg");
    private static final byte[] JPEG = TestImages.jpeg(64, 48, 1);

    private final AtomicInteger aborts = new AtomicInteger();
    private final CappedBodyReader reader = new CappedBodyReader(URL, URL, 200, aborts::incrementAndGet);

    @Test
    void readsABodyOfDeclaredLengthIntoAnArrayOfExactlyThatLength() throws IOException {
        byte[] body = reader.readDeclared(trickling(JPEG), JPEG.length);

        assertThat(body).isEqualTo(JPEG);
        assertThat(aborts).hasValue(0);
    }

    @Test
    void aDeclaredBodyThatEndsEarlyIsAnEofNamingWhatCame() {
        byte[] truncated = Arrays.copyOf(JPEG, 100);

        assertThatThrownBy(() -> reader.readDeclared(new ByteArrayInputStream(truncated), JPEG.length))
                .isInstanceOf(EOFException.class)
                .hasMessage("body ended after 100 of its " + JPEG.length + " bytes");
    }

    @Test
    void readsABodyOfUnknownLengthUpToTheLimit() throws IOException {
        byte[] body = reader.readUndeclared(trickling(JPEG), JPEG.length, false);

        assertThat(body).isEqualTo(JPEG);
    }

    @Test
    void abortsABodyOfUnknownLengthPastTheLimit() {
        CountingStream in = new CountingStream(new ByteArrayInputStream(JPEG));

        assertThatThrownBy(() -> reader.readUndeclared(in, JPEG.length - 1, false))
                .isInstanceOfSatisfying(FetchException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE))
                .hasMessageContaining("body exceeds the limit of " + (JPEG.length - 1) + " bytes [TOO_LARGE, permanent]");
        assertThat(aborts).hasValue(1);
        assertThat(in.read).isEqualTo(JPEG.length);
    }

    @Test
    void saysWhenTheLimitIsTheMemoryBudgets() {
        assertThatThrownBy(() -> reader.readUndeclared(new ByteArrayInputStream(JPEG), 100, true))
                .hasMessageContaining("that the engine's memory budget allows a body sent without Content-Length");
    }

    @Test
    void refusesANonImageAsSoonAsItsFirstBytesArriveWithoutReadingTheRest() {
        byte[] html = ("<!doctype html><html>" + "x".repeat(100_000) + "</html>").getBytes(StandardCharsets.US_ASCII);
        CountingStream in = new CountingStream(new ByteArrayInputStream(html));

        assertThatThrownBy(() -> reader.readDeclared(in, html.length))
                .isInstanceOfSatisfying(FetchException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_AN_IMAGE));
        assertThat(aborts).hasValue(1);
        assertThat(in.read).isLessThan(html.length);
    }

    @Test
    void refusesAnEmptyBody() {
        assertThatThrownBy(() -> reader.readUndeclared(new ByteArrayInputStream(new byte[0]), 1000, false))
                .isInstanceOfSatisfying(FetchException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_AN_IMAGE))
                .hasMessageContaining("body is empty, not an image");
        assertThat(aborts).hasValue(1);
    }

    @Test
    void refusesAShortBodyOfUnknownLengthThatIsNotAnImage() {
        assertThatThrownBy(() -> reader.readUndeclared(new ByteArrayInputStream(new byte[] {'h', 'i'}), 1000, false))
                .isInstanceOfSatisfying(FetchException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_AN_IMAGE));
    }

    /** @return a stream that hands out at most 7 bytes per read, as a slow network would */
    private static InputStream trickling(byte[] bytes) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 7));
            }
        };
    }

    /** Counts the bytes read through it. */
    private static final class CountingStream extends FilterInputStream {
        int read;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, Math.min(len, 4096));
            if (n > 0) {
                read += n;
            }
            return n;
        }
    }
}
