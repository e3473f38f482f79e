package io.imgpipe.image;

import io.imgpipe.CompressionException;
import io.imgpipe.spi.CompressedImage;
import io.imgpipe.spi.ImageCompressor;
import io.imgpipe.spi.ImageInfo;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.plugins.jpeg.JPEGImageWriteParam;
import javax.imageio.spi.ImageWriterSpi;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import net.coobird.thumbnailator.Thumbnails;

/**
 * The default {@link ImageCompressor}: decodes JPEG (including CMYK and YCCK), PNG, WebP, GIF,
 * BMP and TIFF with ImageIO and TwelveMonkeys, and encodes a baseline JPEG at the configured
 * quality.
 *
 * <p>The output is upright (the EXIF orientation of a JPEG, PNG or WebP is applied, so width and height swap
 * for 90 and 270 degree rotations), transparent pixels are flattened onto white, and it has the
 * source's dimensions unless {@link CompressorConfig#maxWidth()} or
 * {@link CompressorConfig#maxHeight()} ask for a smaller size, in which case it is scaled down
 * with Thumbnailator to fit, keeping the aspect ratio; it is never enlarged. No metadata (EXIF,
 * GPS, ICC, comments) is copied into the output. Of a file holding several images (an animated
 * GIF, a multi-page TIFF) the first image is used.
 *
 * <p>The common case, an opaque JPEG or PNG kept at its size, makes no copy of the pixels: the
 * reader decodes straight into a {@code TYPE_3BYTE_BGR} (or grey) image and the writer encodes
 * that image. Conversion, resizing and rotation each add one pass, only when needed.
 *
 * <p>Before decoding, the header is read and an image over {@link CompressorConfig#maxPixels()}
 * is refused. Every failure (empty, corrupt, truncated or unsupported data, too many pixels, not
 * enough memory) is a {@link CompressionException} whose message says why; no decoder exception
 * and no {@link OutOfMemoryError} escapes.
 *
 * <p>Thread-safe: every call uses its own reader, writer and streams, and disposes or closes
 * them before returning. Loading this class turns off ImageIO's disk cache for the whole JVM
 * ({@link ImageIO#setUseCache(boolean) ImageIO.setUseCache(false)}); all streams here are in
 * memory.
 */
public final class ThumbnailatorCompressor implements ImageCompressor {

    /** The media type of every output. */
    public static final String CONTENT_TYPE = "image/jpeg";

    /** The file extension of every output, without a dot. */
    public static final String EXTENSION = "jpg";

    private static final ImageWriterSpi JPEG_WRITER = findJpegWriter();

    private final CompressorConfig config;
    private final ImageProbe probe;

    /** A compressor with {@link CompressorConfig#DEFAULTS}: quality 0.5, same size, 50 MP limit. */
    public ThumbnailatorCompressor() {
        this(CompressorConfig.DEFAULTS);
    }

    /** @param config the settings */
    public ThumbnailatorCompressor(CompressorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.probe = new ImageProbe(config.maxPixels());
    }

    /** @return the settings this compressor was built with */
    public CompressorConfig config() {
        return config;
    }

    /**
     * {@inheritDoc}
     *
     * <p>See {@link ImageProbe#probe(byte[])}; the limit is {@link CompressorConfig#maxPixels()}.
     */
    @Override
    public ImageInfo probe(byte[] source) {
        return probe.probe(source).toImageInfo();
    }

    @Override
    public CompressedImage compress(byte[] source) {
        Objects.requireNonNull(source, "source");
        try (SourceImage image = SourceImage.open(source)) {
            ImageHeader header = probe.accept(image.header());
            try {
                BufferedImage output = prepare(image.decode(header), header);
                byte[] jpeg = encode(output, header, source.length);
                return new CompressedImage(jpeg, CONTENT_TYPE, EXTENSION, output.getWidth(), output.getHeight());
            } catch (OutOfMemoryError e) {
                throw new CompressionException("not enough memory to compress " + SourceImage.describe(header), e);
            } catch (CompressionException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new CompressionException("could not convert " + SourceImage.describe(header) + " for JPEG: " + e, e);
            }
        } catch (OutOfMemoryError e) {
            throw new CompressionException("not enough memory to read an image of " + source.length + " bytes", e);
        }
    }

    private BufferedImage prepare(BufferedImage decoded, ImageHeader header) {
        BufferedImage pixels = JpegPixels.writable(decoded);
        boolean swap = header.orientation().swapsAxes();
        int uprightWidth = swap ? pixels.getHeight() : pixels.getWidth();
        int uprightHeight = swap ? pixels.getWidth() : pixels.getHeight();
        OutputSize size = OutputSize.fit(uprightWidth, uprightHeight, config.maxWidth(), config.maxHeight());
        if (!size.sameAs(uprightWidth, uprightHeight)) {
            pixels = resize(pixels, swap ? size.height() : size.width(), swap ? size.width() : size.height(), header);
        }
        return header.orientation().apply(pixels);
    }

    private static BufferedImage resize(BufferedImage pixels, int width, int height, ImageHeader header) {
        try {
            return Thumbnails.of(pixels).forceSize(width, height).imageType(pixels.getType()).asBufferedImage();
        } catch (IOException | RuntimeException e) {
            throw new CompressionException("could not resize " + SourceImage.describe(header) + " to " + width + "x"
                    + height + ": " + e.getMessage(), e);
        }
    }

    private byte[] encode(BufferedImage image, ImageHeader header, int sourceLength) {
        ImageWriter writer = createJpegWriter();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(8192, sourceLength / 2));
        try {
            try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(image, null, null), writeParam(writer));
            }
        } catch (IOException | RuntimeException e) {
            throw new CompressionException("could not encode " + SourceImage.describe(header) + " as JPEG: "
                    + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private ImageWriteParam writeParam(ImageWriter writer) {
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(config.quality());
        if (param instanceof JPEGImageWriteParam) {
            ((JPEGImageWriteParam) param).setOptimizeHuffmanTables(config.optimizeHuffman());
        }
        return param;
    }

    private static ImageWriter createJpegWriter() {
        try {
            return JPEG_WRITER.createWriterInstance();
        } catch (IOException e) {
            throw new CompressionException("could not create a JPEG writer: " + e.getMessage(), e);
        }
    }

    private static ImageWriterSpi findJpegWriter() {
        ImageIO.setUseCache(false);
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("no ImageIO JPEG writer is registered");
        }
        ImageWriter writer = writers.next();
        try {
            return writer.getOriginatingProvider();
        } finally {
            writer.dispose();
        }
    }
}
