package io.imgpipe.image;

import io.imgpipe.testkit.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.w3c.dom.Node;

/**
 * Writes JPEG sources of every kind the transcoder must handle, with the JDK's encoder: grey or
 * colour, sampling factors 4:2:0, 4:2:2 or 4:4:4 (set in the {@code javax_imageio_jpeg_image_1.0}
 * metadata tree), baseline or progressive, with or without a restart interval, of any size.
 */
final class JpegSources {

    /** The luma sampling of a colour source; chroma is always 1x1. */
    enum Sampling {
        GREY(0, 0), YCC_420(2, 2), YCC_422(2, 1), YCC_444(1, 1);

        final int lumaH;
        final int lumaV;

        Sampling(int lumaH, int lumaV) {
            this.lumaH = lumaH;
            this.lumaV = lumaV;
        }
    }

    private JpegSources() {
    }

    /**
     * @param width width in pixels
     * @param height height in pixels
     * @param sampling grey or the colour sampling
     * @param progressive progressive rather than baseline
     * @param restartInterval MCUs per restart interval, 0 for none
     * @param seed varies the picture
     * @return a quality-0.9 JPEG of a photo-like picture
     */
    static byte[] jpeg(int width, int height, Sampling sampling, boolean progressive, int restartInterval, long seed) {
        BufferedImage photo = TestImages.photo(width, height, seed);
        BufferedImage image;
        if (sampling == Sampling.GREY) {
            image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            image.getGraphics().drawImage(photo, 0, 0, null);
        } else {
            image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            image.getGraphics().drawImage(photo, 0, 0, null);
        }
        return encode(image, sampling, progressive, restartInterval, 0.9f);
    }

    /** @return the image as a JPEG with the given structure */
    static byte[] encode(BufferedImage image, Sampling sampling, boolean progressive, int restartInterval, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
            String format = "javax_imageio_jpeg_image_1.0";
            Node tree = metadata.getAsTree(format);
            IIOMetadataNode markers = child(tree, "markerSequence");
            if (sampling != Sampling.GREY) {
                IIOMetadataNode sof = child(markers, "sof");
                IIOMetadataNode luma = (IIOMetadataNode) sof.getFirstChild();
                luma.setAttribute("HsamplingFactor", Integer.toString(sampling.lumaH));
                luma.setAttribute("VsamplingFactor", Integer.toString(sampling.lumaV));
            }
            if (restartInterval > 0) {
                IIOMetadataNode dri = new IIOMetadataNode("dri");
                dri.setAttribute("interval", Integer.toString(restartInterval));
                markers.insertBefore(dri, child(markers, "sof"));
            }
            metadata.setFromTree(format, tree);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(image, null, metadata), param);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    private static IIOMetadataNode child(Node parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) {
                return (IIOMetadataNode) n;
            }
        }
        throw new IllegalStateException("no " + name + " in the JPEG metadata tree");
    }

    /** @return the sampling factors of the frame header, as {@code 2x2,1x1,1x1} */
    static String samplingFactors(byte[] jpeg) {
        JpegParser parser = new JpegParser(jpeg);
        return parser.readFrame().samplingFactors();
    }

    /** @return the SOF marker of the frame header (0xC0 baseline, 0xC2 progressive) */
    static int frameMarker(byte[] jpeg) {
        return new JpegParser(jpeg).readFrame().marker;
    }
}
