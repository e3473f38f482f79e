package io.imgpipe.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/** Measures how close a decoded output is to a decoded source. */
final class ImageQuality {

    private ImageQuality() {
    }

    /**
     * @return the peak signal-to-noise ratio in dB over all samples (R, G, B, or the grey level of
     *     two grey images); {@link Double#POSITIVE_INFINITY} for identical images
     */
    static double psnr(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            throw new IllegalArgumentException("sizes differ: " + a.getWidth() + "x" + a.getHeight() + " and "
                    + b.getWidth() + "x" + b.getHeight());
        }
        double squares;
        long samples;
        if (sameByteLayout(a, b)) {
            byte[] x = ((DataBufferByte) a.getRaster().getDataBuffer()).getData();
            byte[] y = ((DataBufferByte) b.getRaster().getDataBuffer()).getData();
            long sum = 0;
            for (int i = 0; i < x.length; i++) {
                int d = (x[i] & 0xFF) - (y[i] & 0xFF);
                sum += d * d;
            }
            squares = sum;
            samples = x.length;
        } else {
            long sum = 0;
            for (int row = 0; row < a.getHeight(); row++) {
                for (int col = 0; col < a.getWidth(); col++) {
                    int p = a.getRGB(col, row);
                    int q = b.getRGB(col, row);
                    for (int shift = 0; shift <= 16; shift += 8) {
                        int d = (p >> shift & 0xFF) - (q >> shift & 0xFF);
                        sum += d * d;
                    }
                }
            }
            squares = sum;
            samples = 3L * a.getWidth() * a.getHeight();
        }
        if (squares == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return 10 * Math.log10(255.0 * 255.0 * samples / squares);
    }

    private static boolean sameByteLayout(BufferedImage a, BufferedImage b) {
        int type = a.getType();
        return type == b.getType() && (type == BufferedImage.TYPE_3BYTE_BGR || type == BufferedImage.TYPE_BYTE_GRAY)
                && a.getRaster().getDataBuffer() instanceof DataBufferByte
                && a.getRaster().getSampleModel().getWidth() == a.getWidth()
                && b.getRaster().getSampleModel().getWidth() == b.getWidth()
                && a.getRaster().getParent() == null && b.getRaster().getParent() == null;
    }
}
