package io.imgpipe.image;

import io.imgpipe.spi.CompressedImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;

/**
 * One source compressed by the default compressor and by the pixel path alone, with both outputs
 * measured against the decoded, upright source: the evidence for the transcoder's correctness
 * criteria (dimensions, PSNR within 0.2 dB of the pixel path or better, size within 3% or smaller).
 *
 * @param name the source's name, for messages
 * @param uprightWidth the width the output must have
 * @param uprightHeight the height the output must have
 * @param output what the default compressor wrote
 * @param pixelOutput what the pixel path wrote
 * @param decodedWidth the width of the default compressor's output decoded with ImageIO
 * @param decodedHeight its height
 * @param psnr its PSNR against the decoded, upright source, dB
 * @param pixelPsnr the pixel path output's PSNR against the same, dB
 */
record TranscodeComparison(String name, int uprightWidth, int uprightHeight, CompressedImage output,
        CompressedImage pixelOutput, int decodedWidth, int decodedHeight, double psnr, double pixelPsnr) {

    private static final ThumbnailatorCompressor DEFAULT = new ThumbnailatorCompressor();
    private static final ThumbnailatorCompressor PIXELS =
            new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withTranscodeJpegs(false));
    private static final Map<String, TranscodeComparison> CACHE = new ConcurrentHashMap<>();

    /** @return the comparison for a source, computed once per name in this JVM */
    static TranscodeComparison of(String name, byte[] source) {
        return CACHE.computeIfAbsent(name, n -> compute(n, source));
    }

    private static TranscodeComparison compute(String name, byte[] source) {
        ExifOrientation orientation = JpegExif.orientation(source);
        BufferedImage upright = orientation.apply(decode(source));
        CompressedImage output = DEFAULT.compress(source);
        CompressedImage pixelOutput = PIXELS.compress(source);
        BufferedImage decoded = decode(output.data());
        double psnr = decoded.getWidth() == upright.getWidth() && decoded.getHeight() == upright.getHeight()
                ? ImageQuality.psnr(upright, decoded) : Double.NaN;
        double pixelPsnr = ImageQuality.psnr(upright, decode(pixelOutput.data()));
        return new TranscodeComparison(name, upright.getWidth(), upright.getHeight(), output, pixelOutput,
                decoded.getWidth(), decoded.getHeight(), psnr, pixelPsnr);
    }

    /** @return output size over the pixel path's output size */
    double sizeRatio() {
        return (double) output.data().length / pixelOutput.data().length;
    }

    static BufferedImage decode(byte[] jpeg) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
            if (image == null) {
                throw new IllegalStateException("ImageIO recognised no image");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s: %s, %d bytes (pixel path %d, ratio %.4f), PSNR %.3f dB "
                + "(pixel path %.3f dB)", name, output.path(), output.data().length, pixelOutput.data().length,
                sizeRatio(), psnr, pixelPsnr);
    }
}
