package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.testkit.TestImages;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class JpegExifTest {

    private static final byte[] JPEG = TestImages.jpeg(16, 8, 1);

    @Test
    void readsOrientationFromBigEndianExif() {
        assertThat(JpegExif.orientation(ImageFixtures.withExifOrientation(JPEG, 6, true)))
                .isEqualTo(ExifOrientation.ROTATE_90_CW);
    }

    @Test
    void readsOrientationFromLittleEndianExif() {
        assertThat(JpegExif.orientation(ImageFixtures.withExifOrientation(JPEG, 8, false)))
                .isEqualTo(ExifOrientation.ROTATE_90_CCW);
    }

    @Test
    void findsExifAfterOtherSegments() {
        byte[] comment = ImageFixtures.segment(0xFE, "made by a test".getBytes(StandardCharsets.US_ASCII));
        byte[] jpeg = ImageFixtures.insertAfterSoi(ImageFixtures.withExifOrientation(JPEG, 3, true), comment);

        assertThat(JpegExif.orientation(jpeg)).isEqualTo(ExifOrientation.ROTATE_180);
    }

    @Test
    void treatsOutOfRangeValueAsNormal() {
        assertThat(JpegExif.orientation(ImageFixtures.withExifOrientation(JPEG, 9, true)))
                .isEqualTo(ExifOrientation.NORMAL);
    }

    @Test
    void treatsApp1WithoutExifHeaderAsNormal() {
        byte[] xmp = ImageFixtures.segment(0xE1, "http://ns.adobe.com/xap/1.0/\0<x/>".getBytes(StandardCharsets.US_ASCII));

        assertThat(JpegExif.orientation(ImageFixtures.insertAfterSoi(JPEG, xmp))).isEqualTo(ExifOrientation.NORMAL);
    }

    @Test
    void treatsExifCutShortAsNormal() {
        byte[] exif = ImageFixtures.exifSegment(6, true);
        byte[] cut = Arrays.copyOf(exif, 20);
        cut[2] = 0;
        cut[3] = 18;

        assertThat(JpegExif.orientation(ImageFixtures.insertAfterSoi(JPEG, cut))).isEqualTo(ExifOrientation.NORMAL);
    }

    @Test
    void treatsSegmentLengthPastTheEndAsNormal() {
        byte[] exif = ImageFixtures.exifSegment(6, true);
        byte[] truncatedFile = Arrays.copyOf(ImageFixtures.insertAfterSoi(JPEG, exif), 2 + exif.length - 10);

        assertThat(JpegExif.orientation(truncatedFile)).isEqualTo(ExifOrientation.NORMAL);
    }

    @Test
    void treatsIfdOffsetPastTheSegmentAsNormal() {
        byte[] exif = ImageFixtures.exifSegment(6, true);
        int ifdOffsetAt = 4 + 6 + 4;
        exif[ifdOffsetAt + 2] = 0x7F;

        assertThat(JpegExif.orientation(ImageFixtures.insertAfterSoi(JPEG, exif))).isEqualTo(ExifOrientation.NORMAL);
    }

    @Test
    void treatsNonJpegAsNormal() {
        assertThat(JpegExif.orientation(TestImages.png(8, 8, 2))).isEqualTo(ExifOrientation.NORMAL);
        assertThat(JpegExif.orientation(new byte[0])).isEqualTo(ExifOrientation.NORMAL);
    }
}
