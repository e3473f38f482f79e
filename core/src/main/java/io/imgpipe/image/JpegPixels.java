package io.imgpipe.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;

/**
 * Brings decoded pixels into a layout the JPEG writer encodes as they are: 8-bit
 * {@code TYPE_3BYTE_BGR} for colour, {@code TYPE_BYTE_GRAY} for grey. Images already in one of
 * them pass through untouched (no copy); anything else (alpha, palette, 16-bit samples, packed
 * ints, other colour spaces) is drawn once into a new image, transparent pixels over white.
 * Stateless and thread-safe.
 */
final class JpegPixels {

    private JpegPixels() {
    }

    /**
     * @param image decoded pixels
     * @return {@code true} if the JPEG writer takes the image without conversion
     */
    static boolean isWritable(BufferedImage image) {
        int type = image.getType();
        return type == BufferedImage.TYPE_3BYTE_BGR || type == BufferedImage.TYPE_BYTE_GRAY;
    }

    /**
     * @param image decoded pixels of any type
     * @return {@code image} itself if {@linkplain #isWritable writable}, otherwise a converted copy
     *     with transparency flattened onto white
     */
    static BufferedImage writable(BufferedImage image) {
        if (isWritable(image)) {
            return image;
        }
        ColorModel model = image.getColorModel();
        boolean gray = model.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !model.hasAlpha();
        BufferedImage target = new BufferedImage(image.getWidth(), image.getHeight(),
                gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = target.createGraphics();
        try {
            g.drawImage(image, 0, 0, Color.WHITE, null);
        } finally {
            g.dispose();
        }
        return target;
    }
}
