package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.CompressionException;
import org.junit.jupiter.api.Test;

class EntropyReaderTest {

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void readsAStuffedZeroByteAfter0xFfAsData() {
        EntropyReader reader = new EntropyReader(bytes(0xFF, 0x00, 0x12, 0xFF, 0xD9), 0, 1);

        assertThat(reader.bits(8)).isEqualTo(0xFF);
        assertThat(reader.bits(8)).isEqualTo(0x12);
    }

    @Test
    void readsEightBytesAtATimeWithoutLosingAny() {
        EntropyReader reader = new EntropyReader(bytes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17), 0, 1);

        for (int expected = 1; expected <= 17; expected++) {
            assertThat(reader.bits(8)).isEqualTo(expected);
        }
    }

    @Test
    void feedsZeroBitsAtAMarkerAndReportsUsingThemAsAnOverrun() {
        EntropyReader reader = new EntropyReader(bytes(0xAB, 0xFF, 0xD9), 0, 1);

        assertThat(reader.bits(8)).isEqualTo(0xAB);
        reader.checkNotOverrun();
        assertThat(reader.bits(8)).isZero();
        assertThatThrownBy(reader::checkNotOverrun).isInstanceOf(CompressionException.class)
                .hasMessageContaining("ends early");
    }

    @Test
    void finishingAScanPointsAtTheNextMarker() {
        EntropyReader reader = new EntropyReader(bytes(0xAB, 0x00, 0x00, 0xFF, 0xFF, 0xD9), 0, 1);

        reader.bits(8);

        assertThat(reader.finish()).isEqualTo(4);
    }

    @Test
    void aRestartMarkerWithTheWrongNumberIsRefused() {
        EntropyReader reader = new EntropyReader(bytes(0xAB, 0xFF, 0xD3, 0x12), 0, 1);
        reader.bits(8);

        assertThatThrownBy(() -> reader.restart(0)).isInstanceOf(CompressionException.class)
                .hasMessageContaining("expected marker RST0").hasMessageContaining("found RST3");
    }

    @Test
    void aRestartDiscardsThePaddingBitsAndGoesOnAfterTheMarker() {
        EntropyReader reader = new EntropyReader(bytes(0xAF, 0xFF, 0xD0, 0x5A), 0, 1);
        reader.bits(4);

        reader.restart(0);

        assertThat(reader.bits(8)).isEqualTo(0x5A);
    }
}
