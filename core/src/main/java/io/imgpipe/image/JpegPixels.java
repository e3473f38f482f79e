package io.imgpipe.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * Brings decoded pixels into a layout the JPEG writer encodes as they are: 8-bit
 * {@code TYPE_3BYTE_BGR} for colour, {@code TYPE_BYTE_GRAY} for grey. Images already in one of
 * them pass through untouched (no copy); anything else (alpha, palette, 16-bit samples, packed
 * ints, other colour spaces) is converted once into a new image, transparent pixels over white.
 *
 * <p>Grey images stay grey and keep their sample values. The JDK's PNG reader labels grey
 * samples with its linear-gamma grey colour space, so a colour-managed draw into an sRGB image
 * would lighten every mid-tone (0x60 becomes 0xA6); grey with alpha in 8- or 16-bit samples is
 * therefore composited onto white sample by sample, exactly as opaque grey is written sample for
 * sample (other sample types, such as floating-point TIFF, are drawn). Stateless and thread-safe.
 */
final class JpegPixels {

    private static final int WHITE = 255;

    private JpegPixels() {
    }

    /**
     * {@return {@code true} if the JPEG writer takes the image without conversion}
     *
     * @param image decoded pixels
     */
    static boolean isWritable(BufferedImage image) {
        int type = image.getType();
        return type == BufferedImage.TYPE_3BYTE_BGR || type == BufferedImage.TYPE_BYTE_GRAY;
    }

    /**
     * {@return {@code image} itself if {@linkplain #isWritable writable}, otherwise a converted copy
     *     with transparency flattened onto white}
     *
     * @param image decoded pixels of any type
     */
    static BufferedImage writable(BufferedImage image) {
        if (isWritable(image)) {
            return image;
        }
        ColorModel model = image.getColorModel();
        boolean gray = model.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        if (gray && model.hasAlpha() && model instanceof ComponentColorModel && hasIntegerSamples(model)) {
            return flattenGray(image);
        }
        BufferedImage target = new BufferedImage(image.getWidth(), image.getHeight(),
                gray && !model.hasAlpha() ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = target.createGraphics();
        try {
            g.drawImage(image, 0, 0, Color.WHITE, null);
        } finally {
            g.dispose();
        }
        return target;
    }

    /** {@return whether samples are 8- or 16-bit integers, which {@link #flattenGray} reads as they are} */
    private static boolean hasIntegerSamples(ColorModel model) {
        int type = model.getTransferType();
        return type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT;
    }

    private static BufferedImage flattenGray(BufferedImage image) {
        ColorModel model = image.getColorModel();
        Raster source = image.getRaster();
        int width = image.getWidth();
        int height = image.getHeight();
        double grayMax = (1 << model.getComponentSize(0)) - 1;
        double alphaMax = (1 << model.getComponentSize(1)) - 1;
        boolean premultiplied = model.isAlphaPremultiplied();
        BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster out = target.getRaster();
        int[] grays = new int[width];
        int[] alphas = new int[width];
        int[] flat = new int[width];
        for (int y = 0; y < height; y++) {
            source.getSamples(0, y, width, 1, 0, grays);
            source.getSamples(0, y, width, 1, 1, alphas);
            for (int x = 0; x < width; x++) {
                double alpha = alphas[x] / alphaMax;
                double gray = grays[x] * WHITE / grayMax;
                double over = premultiplied ? gray + WHITE * (1 - alpha) : gray * alpha + WHITE * (1 - alpha);
                flat[x] = (int) Math.min(WHITE, Math.round(over));
            }
            out.setSamples(0, y, width, 1, 0, flat);
        }
        return target;
    }
}
