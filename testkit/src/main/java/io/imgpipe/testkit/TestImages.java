package io.imgpipe.testkit;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Generates photo-like test images (gradients, shapes and noise) in memory, deterministic per
 * seed, so that a quality-0.5 JPEG of one is clearly smaller than a quality-0.95 JPEG or a PNG.
 */
public final class TestImages {

    private TestImages() {
    }

    /**
     * {@return an RGB image}
     *
     * @param width width in pixels
     * @param height height in pixels
     * @param seed varies the content
     */
    public static BufferedImage photo(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt(0xffffff)), width, height,
                    new Color(random.nextInt(0xffffff))));
            g.fillRect(0, 0, width, height);
            for (int i = 0; i < 12; i++) {
                g.setColor(new Color(random.nextInt(0xffffff)));
                int w = 1 + random.nextInt(Math.max(1, width / 2));
                int h = 1 + random.nextInt(Math.max(1, height / 2));
                g.fillOval(random.nextInt(width), random.nextInt(height), w, h);
            }
        } finally {
            g.dispose();
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = image.getRGB(x, y);
                int noise = random.nextInt(25) - 12;
                int r = clamp(((rgb >> 16) & 0xff) + noise);
                int gr = clamp(((rgb >> 8) & 0xff) + noise);
                int b = clamp((rgb & 0xff) + noise);
                image.setRGB(x, y, r << 16 | gr << 8 | b);
            }
        }
        return image;
    }

    /**
     * {@return a baseline JPEG at quality 0.95}
     *
     * @param width width
     * @param height height
     * @param seed varies the content
     */
    public static byte[] jpeg(int width, int height, long seed) {
        return encodeJpeg(photo(width, height, seed), 0.95f);
    }

    /**
     * {@return an RGB PNG}
     *
     * @param width width
     * @param height height
     * @param seed varies the content
     */
    public static byte[] png(int width, int height, long seed) {
        return encode(photo(width, height, seed), "png");
    }

    /**
     * {@return an ARGB PNG whose left half is fully transparent and right half opaque red}
     *
     * @param width width
     * @param height height
     */
    public static byte[] transparentPng(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, x < width / 2 ? 0x00000000 : 0xffff0000);
            }
        }
        return encode(image, "png");
    }

    /**
     * {@return the image as a JPEG}
     *
     * @param image an image
     * @param quality JPEG quality 0..1
     */
    public static byte[] encodeJpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * {@return the encoded bytes}
     *
     * @param image an image
     * @param format an ImageIO format name
     */
    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, bytes)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
