package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.testkit.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class JpegPixelsTest {

    @Test
    void passesThreeByteBgrThroughWithoutCopy() {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR);

        assertThat(JpegPixels.writable(image)).isSameAs(image);
    }

    @Test
    void passesByteGrayThroughWithoutCopy() {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);

        assertThat(JpegPixels.writable(image)).isSameAs(image);
    }

    @Test
    void flattensArgbOntoWhite() {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00000000);
        argb.setRGB(1, 0, 0x80000000);

        BufferedImage flat = JpegPixels.writable(argb);

        assertThat(flat.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
        assertThat(flat.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        assertThat(flat.getRGB(1, 0) & 0xFF).isBetween(0x7E, 0x81);
    }

    @Test
    void convertsUshortGrayToByteGrayKeepingTheHighByte() {
        BufferedImage gray16 = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray16.getRaster().setSample(0, 0, 0, 0xC0FF);

        BufferedImage gray8 = JpegPixels.writable(gray16);

        assertThat(gray8.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        assertThat(gray8.getRaster().getSample(0, 0, 0)).isBetween(0xC0, 0xC1);
    }

    @Test
    void jdkAndTwelveMonkeysReadersDecodeOpaqueJpegAndPngStraightIntoWritableLayout() throws IOException {
        BufferedImage jpeg = ImageIO.read(new ByteArrayInputStream(TestImages.jpeg(16, 16, 1)));
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(TestImages.png(16, 16, 2)));

        assertThat(JpegPixels.isWritable(jpeg)).isTrue();
        assertThat(JpegPixels.isWritable(png)).isTrue();
    }
}
