package io.imgpipe.image;

import io.imgpipe.CompressionException;
import io.imgpipe.spi.CompressedImage;
import io.imgpipe.spi.CompressionPath;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link ImageCompressor}: recompresses JPEGs in the DCT-coefficient domain where that
 * is exact, and otherwise decodes JPEG (including CMYK and YCCK), PNG, WebP, GIF, BMP and TIFF with
 * ImageIO and TwelveMonkeys and encodes a baseline JPEG at the configured quality.
 *
 * <p><b>The JPEG transcoder</b> (on by default, {@link CompressorConfig#transcodeJpegs()}) takes a
 * baseline or progressive Huffman-coded 8-bit JPEG, grey or YCbCr 4:2:0, with any restart interval,
 * kept at its size: it entropy-decodes the coefficients, requantizes them from the source's tables to
 * the tables the pixel path writes for the same quality, does the EXIF orientation on the blocks
 * (where the image is a whole number of MCUs along each mirrored axis), and writes a baseline JPEG
 * with Huffman tables optimized for the image. No pixel is decoded, so it is several times faster,
 * and it skips the colour conversion and chroma resampling of the pixel path, so the output is as
 * close to the source or closer. Every other JPEG (CMYK/YCCK, RGB, arithmetic-coded, lossless,
 * 12-bit, other sampling factors, an orientation that needs partial MCUs moved, a resize) takes the
 * pixel path. {@link CompressedImage#path()} says which path ran.
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

    private static final Logger LOG = LoggerFactory.getLogger(ThumbnailatorCompressor.class);

    private static final ImageWriterSpi JPEG_WRITER = findJpegWriter();

    private final CompressorConfig config;
    private final ImageProbe probe;
    private final JpegTranscoder transcoder;

    /** A compressor with {@link CompressorConfig#DEFAULTS}: quality 0.5, same size, 50 MP limit. */
    public ThumbnailatorCompressor() {
        this(CompressorConfig.DEFAULTS);
    }

    /**
     * Creates a {@code ThumbnailatorCompressor}.
     *
     * @param config the settings
     */
    public ThumbnailatorCompressor(CompressorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.probe = new ImageProbe(config.maxPixels());
        this.transcoder = config.transcodeJpegs() ? new JpegTranscoder(config.quality()) : null;
    }

    /** {@return the settings this compressor was built with} */
    public CompressorConfig config() {
        return config;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The header is read without decoding pixels (by the package-private {@code ImageProbe});
     * the limit is {@link CompressorConfig#maxPixels()}. The
     * working memory is that of the path {@link #compress} will take: for a transcoded JPEG its DCT
     * coefficients (two bytes each, 64 per 8x8 block of each component, in whole MCUs) plus an
     * output allowance of twice the source's size; for the pixel path four bytes per source pixel
     * (the decoded raster) plus three per pixel for each extra copy (a conversion of a non-JPEG
     * source, an EXIF turn, a resized image) plus the source's size for the output.
     */
    @Override
    public ImageInfo probe(byte[] source) {
        Objects.requireNonNull(source, "source");
        JpegTranscoder.Plan plan = transcodePlan(source);
        if (plan != null) {
            accept(plan);
            return new ImageInfo("jpeg", plan.frame.width, plan.frame.height, plan.workingBytes());
        }
        ImageHeader header = probe.probe(source);
        return new ImageInfo(header.format(), header.width(), header.height(), pixelWorkingBytes(header, source.length));
    }

    @Override
    public CompressedImage compress(byte[] source) {
        Objects.requireNonNull(source, "source");
        JpegTranscoder.Plan plan = transcodePlan(source);
        if (plan != null) {
            CompressedImage transcoded = transcode(plan);
            if (transcoded != null) {
                return transcoded;
            }
        }
        return compressPixels(source);
    }

    /**
     * {@return the plan for a JPEG the transcoder takes, or {@code null} for the pixel path}
     *
     * @throws CompressionException if the bytes start as a JPEG whose header is malformed
     */
    private JpegTranscoder.Plan transcodePlan(byte[] source) {
        if (transcoder == null || !JpegParser.startsWithSoi(source)) {
            return null;
        }
        JpegTranscoder.Plan plan;
        try {
            plan = JpegTranscoder.plan(source, JpegExif.orientation(source));
        } catch (OutOfMemoryError e) {
            throw new CompressionException("not enough memory to read the header of a JPEG of " + source.length
                    + " bytes", e);
        }
        if (!plan.transcodable()) {
            LOG.debug("JPEG of {}x{} takes the pixel path: {}", plan.frame.width, plan.frame.height,
                    plan.pixelPathReason);
            return null;
        }
        if (config.resizes() && !OutputSize.fit(plan.uprightWidth(), plan.uprightHeight(), config.maxWidth(),
                config.maxHeight()).sameAs(plan.uprightWidth(), plan.uprightHeight())) {
            return null;
        }
        return plan;
    }

    private void accept(JpegTranscoder.Plan plan) {
        probe.accept(new ImageHeader("jpeg", plan.frame.width, plan.frame.height, plan.orientation.orientation()));
    }

    /** {@return the output, or {@code null} if the file turned out to need the pixel path} */
    private CompressedImage transcode(JpegTranscoder.Plan plan) {
        accept(plan);
        try {
            byte[] jpeg = transcoder.transcode(plan);
            return new CompressedImage(jpeg, CONTENT_TYPE, EXTENSION, plan.uprightWidth(), plan.uprightHeight(),
                    CompressionPath.TRANSCODED);
        } catch (PixelPathRequired e) {
            LOG.debug("JPEG of {}x{} takes the pixel path: {}", plan.frame.width, plan.frame.height, e.getMessage());
            return null;
        } catch (OutOfMemoryError e) {
            throw new CompressionException("not enough memory to decode jpeg image of " + plan.frame.width + "x"
                    + plan.frame.height + " into DCT coefficients", e);
        }
    }

    private long pixelWorkingBytes(ImageHeader header, int sourceLength) {
        long pixels = header.pixels();
        long bytes = pixels * ImageInfo.DEFAULT_BYTES_PER_PIXEL + sourceLength;
        if (!"jpeg".equals(header.format())) {
            bytes += pixels * 3;
        }
        if (header.orientation() != ExifOrientation.NORMAL) {
            bytes += pixels * 3;
        }
        OutputSize size = OutputSize.fit(header.uprightWidth(), header.uprightHeight(), config.maxWidth(),
                config.maxHeight());
        if (!size.sameAs(header.uprightWidth(), header.uprightHeight())) {
            bytes += (long) size.width() * size.height() * 3;
        }
        return Math.max(1, bytes);
    }

    private CompressedImage compressPixels(byte[] source) {
        try (SourceImage image = SourceImage.open(source)) {
            ImageHeader header = probe.accept(image.header());
            try {
                BufferedImage output = prepare(image.decode(header), header);
                byte[] jpeg = encode(output, header, source.length);
                return new CompressedImage(jpeg, CONTENT_TYPE, EXTENSION, output.getWidth(), output.getHeight(),
                        CompressionPath.PIXELS);
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
