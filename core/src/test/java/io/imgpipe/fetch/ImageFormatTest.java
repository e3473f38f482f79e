package io.imgpipe.fetch;

import static io.imgpipe.fetch.RawHttpServer.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.testkit.TestImages;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ImageFormatTest {

    @ParameterizedTest
    @CsvSource({"jpeg, JPEG", "png, PNG", "gif, GIF", "bmp, BMP", "tiff, TIFF"})
    void recognisesImagesWrittenByImageIo(String imageIoFormat, ImageFormat expected) {
        byte[] image = TestImages.encode(TestImages.photo(16, 16, 3), imageIoFormat);

        assertThat(ImageFormat.sniff(image, image.length)).contains(expected);
    }

    @Test
    void recognisesWebp() {
        byte[] webp = ascii("RIFF\u0024\0\0\0WEBPVP8 \u0018\0\0\0");

        assertThat(ImageFormat.sniff(webp, webp.length)).contains(ImageFormat.WEBP);
    }

    @Test
    void recognisesBigEndianTiff() {
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8};

        assertThat(ImageFormat.sniff(tiff, tiff.length)).contains(ImageFormat.TIFF);
    }

    @Test
    void looksOnlyAtTheValidLength() {
        byte[] jpeg = TestImages.jpeg(8, 8, 1);

        assertThat(ImageFormat.sniff(jpeg, 2)).isEmpty();
    }

    @Test
    void refusesTextThatStartsLikeABitmap() {
        byte[] text = ascii("BMW parts catalogue, page 1 of 20");

        assertThat(ImageFormat.sniff(text, text.length)).isEmpty();
    }

    static Stream<Arguments> refusedBodies() {
        return Stream.of(
                Arguments.of("\0\0\0\u001cftypavif\0\0\0\0avifmif1", "AVIF, an unsupported image format"),
                Arguments.of("\0\0\0\u0018ftypheic\0\0\0\0mif1heic", "HEIC/HEIF, an unsupported image format"),
                Arguments.of("\0\0\0\u0018ftypisom\0\0\u0002\0isomiso2", "ISO media (brand 'isom'), not a supported image format"),
                Arguments.of("\0\0\0\u000cJXL \r\n\u0087\n", "JPEG XL, an unsupported image format"),
                Arguments.of("\u00ff\n\u00fa\u007f", "JPEG XL, an unsupported image format"),
                Arguments.of("<svg xmlns='http://www.w3.org/2000/svg'/>", "SVG, an unsupported image format"),
                Arguments.of("<?xml version='1.0'?><svg/>", "SVG, an unsupported image format"),
                Arguments.of("\u00ef\u00bb\u00bf  <!DOCTYPE html><html></html>", "HTML, not an image"),
                Arguments.of("\n<html><body>Access denied</body></html>", "HTML, not an image"),
                Arguments.of("<?xml version='1.0'?><error/>", "XML or markup, not an image"),
                Arguments.of("{\"error\":\"not found\"}", "JSON, not an image"),
                Arguments.of("%PDF-1.7", "a PDF document, not an image"),
                Arguments.of("\u001f\u008b\u0008\0\0\0", "gzip-compressed data, not an image"),
                Arguments.of("hello world", "not a supported image (first bytes 68 65 6c 6c 6f 20 77 6f)"));
    }

    @ParameterizedTest
    @MethodSource("refusedBodies")
    void namesWhatARefusedBodyLooksLike(String body, String description) {
        byte[] bytes = ascii(body);

        assertThat(ImageFormat.sniff(bytes, bytes.length)).isEmpty();
        assertThat(ImageFormat.describeUnsupported(bytes, bytes.length)).isEqualTo(description);
    }
}
