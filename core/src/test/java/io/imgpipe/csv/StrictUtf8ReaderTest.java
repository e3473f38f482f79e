package io.imgpipe.csv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import org.junit.jupiter.api.Test;

class StrictUtf8ReaderTest {

    private static StrictUtf8Reader reader(byte[]... parts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            bytes.writeBytes(part);
        }
        return new StrictUtf8Reader(new ByteArrayInputStream(bytes.toByteArray()));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(UTF_8);
    }

    private static String readAll(Reader reader) throws IOException {
        StringBuilder text = new StringBuilder();
        char[] buffer = new char[7];
        for (int n; (n = reader.read(buffer, 0, buffer.length)) >= 0; ) {
            text.append(buffer, 0, n);
        }
        return text.toString();
    }

    @Test
    void decodesMultiByteCharactersSplitAcrossBuffers() throws IOException {
        String text = "é€😀".repeat(5_000);

        assertThat(readAll(reader(utf8(text)))).isEqualTo(text);
    }

    @Test
    void dropsByteOrderMarkOnlyAtTheStart() throws IOException {
        assertThat(readAll(reader(utf8("\uFEFFa\uFEFFb")))).isEqualTo("a\uFEFFb");
    }

    @Test
    void readsStreamOfOnlyAByteOrderMarkAsEmpty() throws IOException {
        assertThat(reader(utf8("\uFEFF")).read()).isEqualTo(-1);
    }

    @Test
    void countsCrLfAndCrlfAsOneLineBreakEach() throws IOException {
        StrictUtf8Reader reader = reader(utf8("a\nb\r\nc\rd\r\n\n"));

        readAll(reader);

        assertThat(reader.line()).isEqualTo(6);
    }

    @Test
    void handsOutTextBeforeInvalidBytesThenFailsNamingLineAndOffset() throws IOException {
        StrictUtf8Reader reader = reader(utf8("ab\ncd\r\ne"), new byte[] {(byte) 0xFF}, utf8("f"));
        char[] buffer = new char[100];

        int n = reader.read(buffer, 0, buffer.length);

        assertThat(new String(buffer, 0, n)).isEqualTo("ab\ncd\r\ne");
        assertThatThrownBy(() -> reader.read(buffer, 0, buffer.length)).isInstanceOfSatisfying(InvalidUtf8Exception.class, e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.byteOffset()).isEqualTo(8);
        });
    }

    @Test
    void failsOnEncodedSurrogate() {
        StrictUtf8Reader reader = reader(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});

        assertThatThrownBy(() -> readAll(reader)).isInstanceOf(InvalidUtf8Exception.class);
    }

    @Test
    void closesTheSource() throws IOException {
        boolean[] closed = {false};
        StrictUtf8Reader reader = new StrictUtf8Reader(new ByteArrayInputStream(new byte[0]) {
            @Override
            public void close() {
                closed[0] = true;
            }
        });

        reader.close();

        assertThat(closed[0]).isTrue();
    }
}
