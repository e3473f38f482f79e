package io.imgpipe.image;

/**
 * What a JPEG's start-of-frame segment declares: the coding process, the dimensions and the
 * components with their sampling factors, and the MCU grid that follows from them.
 */
final class JpegFrame {

    final int marker;
    final int precision;
    final int width;
    final int height;
    final FrameComponent[] components;
    final int maxHorizontalSampling;
    final int maxVerticalSampling;
    final int mcusWide;
    final int mcusHigh;

    JpegFrame(int marker, int precision, int width, int height, FrameComponent[] components) {
        this.marker = marker;
        this.precision = precision;
        this.width = width;
        this.height = height;
        this.components = components;
        int maxH = 1;
        int maxV = 1;
        for (FrameComponent c : components) {
            maxH = Math.max(maxH, c.horizontalSampling);
            maxV = Math.max(maxV, c.verticalSampling);
        }
        this.maxHorizontalSampling = maxH;
        this.maxVerticalSampling = maxV;
        this.mcusWide = ceilDiv(width, 8 * maxH);
        this.mcusHigh = ceilDiv(height, 8 * maxV);
        for (FrameComponent c : components) {
            c.blocksWide = ceilDiv(ceilDiv(width * c.horizontalSampling, maxH), 8);
            c.blocksHigh = ceilDiv(ceilDiv(height * c.verticalSampling, maxV), 8);
            if (components.length == 1) {
                c.paddedBlocksWide = c.blocksWide;
                c.paddedBlocksHigh = c.blocksHigh;
            } else {
                c.paddedBlocksWide = mcusWide * c.horizontalSampling;
                c.paddedBlocksHigh = mcusHigh * c.verticalSampling;
            }
        }
    }

    /** {@return whether scans are progressive (SOF2) rather than sequential (SOF0, SOF1)} */
    boolean progressive() {
        return marker == JpegMarker.SOF2;
    }

    /** {@return whether the colour components are sampled 2x2, 1x1, 1x1 (4:2:0)} */
    boolean isYcc420() {
        return components.length == 3
                && components[0].horizontalSampling == 2 && components[0].verticalSampling == 2
                && components[1].horizontalSampling == 1 && components[1].verticalSampling == 1
                && components[2].horizontalSampling == 1 && components[2].verticalSampling == 1;
    }

    /** {@return the sampling factors as {@code 2x2,1x1,1x1}} */
    String samplingFactors() {
        StringBuilder text = new StringBuilder();
        for (FrameComponent c : components) {
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(c.horizontalSampling).append('x').append(c.verticalSampling);
        }
        return text.toString();
    }

    private static int ceilDiv(long value, int divisor) {
        return (int) ((value + divisor - 1) / divisor);
    }
}
