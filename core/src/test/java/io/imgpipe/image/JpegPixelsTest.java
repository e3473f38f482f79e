package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.testkit.TestImages;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
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
    void flattensGrayWithAlphaOntoWhiteKeepingSampleValues() {
        ColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = model.createCompatibleWritableRaster(3, 1);
        raster.setPixel(0, 0, new int[] {0x60, 0xFF});
        raster.setPixel(1, 0, new int[] {0x00, 0x00});
        raster.setPixel(2, 0, new int[] {0x00, 0x80});
        BufferedImage grayAlpha = new BufferedImage(model, raster, false, null);

        BufferedImage flat = JpegPixels.writable(grayAlpha);

        assertThat(flat.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        assertThat(flat.getRaster().getSample(0, 0, 0)).isEqualTo(0x60);
        assertThat(flat.getRaster().getSample(1, 0, 0)).isEqualTo(0xFF);
        assertThat(flat.getRaster().getSample(2, 0, 0)).isBetween(0x7E, 0x80);
    }

    @Test
    void drawsFloatingPointGrayWithAlphaInsteadOfCollapsingIt() {
        ColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_FLOAT);
        WritableRaster raster = model.createCompatibleWritableRaster(4, 4);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                raster.setSample(x, y, 0, 0.25f);
                raster.setSample(x, y, 1, 1.0f);
            }
        }

        BufferedImage flat = JpegPixels.writable(new BufferedImage(model, raster, false, null));

        assertThat(flat.getRaster().getSample(1, 1, 0)).as("neither black nor white").isBetween(40, 200);
    }

    @Test
    void keepsGrayPngWithAlphaChannelAtItsSampleValues() throws IOException {
        ColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = model.createCompatibleWritableRaster(4, 4);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                raster.setPixel(x, y, new int[] {0x60, 0xFF});
            }
        }
        byte[] png = TestImages.encode(new BufferedImage(model, raster, false, null), "png");

        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
        BufferedImage flat = JpegPixels.writable(decoded);

        assertThat(flat.getRaster().getSample(2, 2, 0)).isEqualTo(0x60);
    }

    @Test
    void jdkAndTwelveMonkeysReadersDecodeOpaqueJpegAndPngStraightIntoWritableLayout() throws IOException {
        BufferedImage jpeg = ImageIO.read(new ByteArrayInputStream(TestImages.jpeg(16, 16, 1)));
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(TestImages.png(16, 16, 2)));

        assertThat(JpegPixels.isWritable(jpeg)).isTrue();
        assertThat(JpegPixels.isWritable(png)).isTrue();
    }
}
