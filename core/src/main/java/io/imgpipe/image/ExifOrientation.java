package io.imgpipe.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;

/**
 * The EXIF {@code Orientation} tag (0x0112): how the stored pixels must be turned to show the
 * picture upright. Cameras store a portrait photo as landscape pixels plus this tag.
 *
 * <p>Immutable and thread-safe.
 */
enum ExifOrientation {

    /** 1: stored upright. */
    NORMAL(1),
    /** 2: mirrored left to right. */
    FLIP_HORIZONTAL(2),
    /** 3: upside down. */
    ROTATE_180(3),
    /** 4: mirrored top to bottom. */
    FLIP_VERTICAL(4),
    /** 5: mirrored along the top-left to bottom-right diagonal. */
    TRANSPOSE(5),
    /** 6: shown after turning the stored pixels 90 degrees clockwise. */
    ROTATE_90_CW(6),
    /** 7: mirrored along the top-right to bottom-left diagonal. */
    TRANSVERSE(7),
    /** 8: shown after turning the stored pixels 90 degrees counter-clockwise. */
    ROTATE_90_CCW(8);

    private final int tagValue;

    ExifOrientation(int tagValue) {
        this.tagValue = tagValue;
    }

    /** {@return the value of the EXIF tag, 1 to 8} */
    public int tagValue() {
        return tagValue;
    }

    /**
     * {@return the orientation it stands for; {@link #NORMAL} for values outside 1 to 8, which
     *     viewers ignore too}
     *
     * @param value an EXIF orientation tag value
     */
    public static ExifOrientation fromTagValue(int value) {
        return value >= 1 && value <= 8 ? values()[value - 1] : NORMAL;
    }

    /** {@return {@code true} if the upright picture's width is the stored height (tags 5 to 8)} */
    public boolean swapsAxes() {
        return tagValue >= 5;
    }

    /**
     * Turns stored pixels upright, pixel for pixel (no interpolation).
     *
     * @param stored the decoded image, of a standard {@link BufferedImage} type
     * @return {@code stored} itself for {@link #NORMAL}, otherwise a new image of the same type
     */
    BufferedImage apply(BufferedImage stored) {
        if (this == NORMAL) {
            return stored;
        }
        int w = stored.getWidth();
        int h = stored.getHeight();
        BufferedImage upright = swapsAxes()
                ? new BufferedImage(h, w, stored.getType())
                : new BufferedImage(w, h, stored.getType());
        Graphics2D g = upright.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(stored, transform(w, h), null);
        } finally {
            g.dispose();
        }
        return upright;
    }

    private AffineTransform transform(int w, int h) {
        switch (this) {
            case FLIP_HORIZONTAL:
                return new AffineTransform(-1, 0, 0, 1, w, 0);
            case ROTATE_180:
                return new AffineTransform(-1, 0, 0, -1, w, h);
            case FLIP_VERTICAL:
                return new AffineTransform(1, 0, 0, -1, 0, h);
            case TRANSPOSE:
                return new AffineTransform(0, 1, 1, 0, 0, 0);
            case ROTATE_90_CW:
                return new AffineTransform(0, 1, -1, 0, h, 0);
            case TRANSVERSE:
                return new AffineTransform(0, -1, -1, 0, h, w);
            case ROTATE_90_CCW:
                return new AffineTransform(0, -1, 1, 0, 0, w);
            default:
                return new AffineTransform();
        }
    }
}
