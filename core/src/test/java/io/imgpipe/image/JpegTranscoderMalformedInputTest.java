package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.CompressionException;
import io.imgpipe.image.JpegSources.Sampling;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Malformed JPEGs the transcoder reads: each is refused with a {@link CompressionException} that
 * says what is wrong, never another exception.
 */
class JpegTranscoderMalformedInputTest {

    private final ThumbnailatorCompressor compressor = new ThumbnailatorCompressor();

    private static byte[] baseline() {
        return JpegSources.jpeg(64, 48, Sampling.YCC_420, false, 0, 1);
    }

    private void assertRefused(byte[] jpeg, String... messageParts) {
        assertThatThrownBy(() -> compressor.compress(jpeg)).isInstanceOf(CompressionException.class)
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void aFileThatIsOnlyTheStartMarkerEndsBeforeAFrame() {
        assertRefused(new byte[] {(byte) 0xFF, (byte) 0xD8}, "ends before a frame header");
    }

    @Test
    void aSegmentRunningPastTheEndOfTheDataIsTruncation() {
        byte[] jpeg = baseline();
        int dht = JpegSegments.find(jpeg, 0xC4);

        assertRefused(Arrays.copyOf(jpeg, dht + 10), "DHT segment at byte " + dht, "runs past the end of the data");
    }

    @Test
    void aHuffmanTableWithMoreCodesThanItsLengthsAllow() {
        byte[] jpeg = baseline();
        int dht = JpegSegments.find(jpeg, 0xC4);
        jpeg[dht + 5] = 3;
        jpeg[dht + 7] = (byte) (jpeg[dht + 7] - 3);

        assertRefused(jpeg, "DHT segment", "not a valid Huffman code", "more codes than fit in 1 bits");
    }

    @Test
    void aHuffmanTableDeclaringMoreThan256Codes() {
        byte[] jpeg = baseline();
        int dht = JpegSegments.find(jpeg, 0xC4);
        jpeg[dht + 19] = (byte) 200;
        jpeg[dht + 20] = (byte) 200;

        assertRefused(jpeg, "DHT segment", "codes (at most 256)");
    }

    @Test
    void aDcTableWithASizeOver15() {
        byte[] jpeg = baseline();
        int dht = JpegSegments.find(jpeg, 0xC4);
        jpeg[dht + 21] = 16;

        assertRefused(jpeg, "DC Huffman table 0", "symbol 16");
    }

    @Test
    void aScanNamingAComponentTheFrameDoesNotHave() {
        byte[] jpeg = baseline();
        int sos = JpegSegments.find(jpeg, 0xDA);
        jpeg[sos + 5] = 9;

        assertRefused(jpeg, "SOS segment", "component 9, which the frame does not have");
    }

    @Test
    void aScanSelectingAnUndefinedHuffmanTable() {
        byte[] jpeg = baseline();
        int sos = JpegSegments.find(jpeg, 0xDA);
        jpeg[sos + 6] = 0x33;

        assertRefused(jpeg, "Huffman table 3, which is not defined");
    }

    @Test
    void aComponentWhoseQuantizationTableIsNotDefined() {
        byte[] jpeg = baseline();
        int sof = JpegSegments.frame(jpeg);
        jpeg[sof + 12] = 3;

        assertRefused(jpeg, "quantization table 3 is not defined");
    }

    @Test
    void aScanBeforeTheFrameHeader() {
        byte[] jpeg = baseline();
        jpeg[JpegSegments.frame(jpeg) + 1] = (byte) 0xFE;

        assertRefused(jpeg, "comes before the frame header");
    }

    @Test
    void aSecondFrameHeader() {
        byte[] jpeg = baseline();
        int sof = JpegSegments.frame(jpeg);
        byte[] frame = JpegSegments.all(jpeg, 0xC0).get(0);
        byte[] doubled = ImageFixtures.concat(Arrays.copyOf(jpeg, sof),
                ImageFixtures.concat(frame, Arrays.copyOfRange(jpeg, sof, jpeg.length)));

        assertRefused(doubled, "a second frame header");
    }

    @Test
    void aSamplingFactorOfZero() {
        byte[] jpeg = baseline();
        jpeg[JpegSegments.frame(jpeg) + 11] = 0x02;

        assertRefused(jpeg, "sampling factors 0x2");
    }

    @Test
    void aFrameZeroPixelsWide() {
        assertRefused(JpegSegments.withDimensions(baseline(), 0, 48), "0 pixels wide");
    }

    @Test
    void entropyCodedDataThatIsNoHuffmanCode() {
        byte[] jpeg = baseline();
        int data = JpegSegments.find(jpeg, 0xDA) + 2 + 12;
        for (int i = data; i + 1 < jpeg.length - 2; i += 2) {
            jpeg[i] = (byte) 0xFF;
            jpeg[i + 1] = 0;
        }

        assertRefused(jpeg, "corrupt jpeg: invalid Huffman code in scan 1");
    }

    @Test
    void entropyCodedDataThatEndsEarly() {
        byte[] jpeg = JpegSources.jpeg(320, 240, Sampling.YCC_420, false, 0, 3);

        assertRefused(Arrays.copyOf(jpeg, jpeg.length / 2), "ends early", "truncated");
    }

    @Test
    void aMissingRestartMarker() {
        byte[] jpeg = JpegSources.jpeg(100, 75, Sampling.YCC_420, false, 1, 4);
        int sos = JpegSegments.find(jpeg, 0xDA);
        int rst = sos + 14;
        while (!(jpeg[rst] == (byte) 0xFF && jpeg[rst + 1] == (byte) 0xD0)) {
            rst++;
        }
        byte[] without = ImageFixtures.concat(Arrays.copyOf(jpeg, rst), Arrays.copyOfRange(jpeg, rst + 2, jpeg.length));

        assertRefused(without, "expected marker RST0");
    }

    @Test
    void aProgressiveScanWhoseSpectralSelectionEndsBeforeItStarts() {
        byte[] jpeg = JpegSources.jpeg(64, 48, Sampling.YCC_420, true, 0, 5);
        int pos = 2;
        int acScan = -1;
        while (acScan < 0) {
            if (jpeg[pos] == (byte) 0xFF && jpeg[pos + 1] == (byte) 0xDA && jpeg[pos + 4] == 1
                    && jpeg[pos + 7] != 0) {
                acScan = pos;
            }
            pos++;
        }
        jpeg[acScan + 8] = (byte) (jpeg[acScan + 7] - 1);

        assertRefused(jpeg, "progressive scan", "invalid parameters", "spectral selection");
    }

    @Test
    void dataEndingAfterAProgressiveScanWithoutAnEndMarker() {
        byte[] jpeg = JpegSources.jpeg(64, 48, Sampling.YCC_420, true, 0, 6);
        int lastScan = jpeg.length - 3;
        while (!(jpeg[lastScan] == (byte) 0xFF && jpeg[lastScan + 1] == (byte) 0xDA)) {
            lastScan--;
        }

        assertRefused(Arrays.copyOf(jpeg, lastScan), "without an end-of-image marker");
    }
}
