package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.testkit.TestImages;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChunkedExifTest {

    private static final byte[] PNG = TestImages.png(16, 8, 1);
    private static final byte[] WEBP = ImageFixtures.resource("photo-96x64.webp");

    @Test
    void readsOrientationFromPngExifChunk() {
        byte[] png = ImageFixtures.pngWithExif(PNG, ImageFixtures.exifTiff(6, true));

        assertThat(ChunkedExif.png(png)).isEqualTo(ExifOrientation.ROTATE_90_CW);
    }

    @Test
    void readsPngExifChunkThatKeepsTheExifHeader() {
        byte[] exif = ImageFixtures.concat("Exif\0\0".getBytes(StandardCharsets.US_ASCII),
                ImageFixtures.exifTiff(8, false));

        assertThat(ChunkedExif.png(ImageFixtures.pngWithExif(PNG, exif))).isEqualTo(ExifOrientation.ROTATE_90_CCW);
    }

    @Test
    void treatsPngWithoutExifAsNormal() {
        assertThat(ChunkedExif.png(PNG)).isEqualTo(ExifOrientation.NORMAL);
    }

    @Test
    void treatsPngExifWithGarbageAsNormal() {
        byte[] png = ImageFixtures.pngWithExif(PNG, "not a tiff structure".getBytes(StandardCharsets.US_ASCII));

        assertThat(ChunkedExif.png(png)).isEqualTo(ExifOrientation.NORMAL);
    }

    @Test
    void treatsPngChunkLengthPastTheEndAsNormal() {
        byte[] png = ImageFixtures.pngWithExif(PNG, ImageFixtures.exifTiff(6, true));
        byte[] cut = Arrays.copyOf(png, 8 + 25 + 20);

        assertThat(ChunkedExif.png(cut)).isEqualTo(ExifOrientation.NORMAL);
    }

    @Test
    void readsOrientationFromWebpExifChunk() {
        byte[] webp = ImageFixtures.webpWithExif(WEBP, 96, 64, ImageFixtures.exifTiff(3, false));

        assertThat(ChunkedExif.webp(webp)).isEqualTo(ExifOrientation.ROTATE_180);
    }

    @Test
    void treatsSimpleWebpAsNormal() {
        assertThat(ChunkedExif.webp(WEBP)).isEqualTo(ExifOrientation.NORMAL);
    }

    @Test
    void treatsWebpCutInsideItsExifChunkAsNormal() {
        byte[] webp = ImageFixtures.webpWithExif(WEBP, 96, 64, ImageFixtures.exifTiff(6, true));

        assertThat(ChunkedExif.webp(Arrays.copyOf(webp, webp.length - 10))).isEqualTo(ExifOrientation.NORMAL);
    }

    @Test
    void treatsOtherBytesAsNormal() {
        assertThat(ChunkedExif.webp(PNG)).isEqualTo(ExifOrientation.NORMAL);
        assertThat(ChunkedExif.png(WEBP)).isEqualTo(ExifOrientation.NORMAL);
        assertThat(ChunkedExif.png(new byte[0])).isEqualTo(ExifOrientation.NORMAL);
        assertThat(ChunkedExif.webp(new byte[3])).isEqualTo(ExifOrientation.NORMAL);
    }
}
