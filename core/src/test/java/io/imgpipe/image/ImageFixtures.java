package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.testkit.TestImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Builds the unusual inputs the image tests need (EXIF segments, CMYK JPEGs, bare PNG headers). */
final class ImageFixtures {

    static final Color RED = new Color(0xE0, 0x10, 0x10);
    static final Color BLUE = new Color(0x10, 0x10, 0xE0);

    private ImageFixtures() {
    }

    /** @return an RGB image whose top-left quadrant is {@link #RED} and the rest {@link #BLUE} */
    static BufferedImage redTopLeftQuadrant(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(BLUE);
            g.fillRect(0, 0, width, height);
            g.setColor(RED);
            g.fillRect(0, 0, width / 2, height / 2);
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * @param jpeg a JPEG file
     * @param orientation the EXIF orientation tag value to store
     * @param bigEndian Motorola ({@code MM}) rather than Intel ({@code II}) byte order
     * @return the JPEG with an EXIF APP1 segment (camera make and orientation) right after SOI
     */
    static byte[] withExifOrientation(byte[] jpeg, int orientation, boolean bigEndian) {
        return insertAfterSoi(jpeg, exifSegment(orientation, bigEndian));
    }

    /** @return an APP1 segment holding a TIFF structure with Make and Orientation in IFD0 */
    static byte[] exifSegment(int orientation, boolean bigEndian) {
        return segment(0xE1, concat("Exif\0\0".getBytes(StandardCharsets.US_ASCII), exifTiff(orientation, bigEndian)));
    }

    /** @return a TIFF structure with Make and Orientation in IFD0, as EXIF blocks hold it */
    static byte[] exifTiff(int orientation, boolean bigEndian) {
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 2 * 12 + 4 + 8)
                .order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) (bigEndian ? 'M' : 'I')).put((byte) (bigEndian ? 'M' : 'I'));
        tiff.putShort((short) 42).putInt(8);
        tiff.putShort((short) 2);
        int makeOffset = 8 + 2 + 2 * 12 + 4;
        tiff.putShort((short) 0x010F).putShort((short) 2).putInt(8).putInt(makeOffset);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);
        tiff.put("TestCam\0".getBytes(StandardCharsets.US_ASCII));
        return tiff.array();
    }

    /**
     * @param png a PNG file
     * @param exif the {@code eXIf} chunk's data
     * @return the PNG with the chunk right after IHDR (before the image data, as the specification requires)
     */
    static byte[] pngWithExif(byte[] png, byte[] exif) {
        return insertPngChunkAfterIhdr(png, pngChunk("eXIf", exif));
    }

    /**
     * Turns a simple (lossy {@code VP8 }) WebP into the extended format with an {@code EXIF} chunk:
     * a {@code VP8X} header with the EXIF flag, the image chunk, then the EXIF chunk (padded to
     * an even size), as libwebp's {@code webpmux} writes it.
     *
     * @param simpleWebp a WebP whose only chunk is {@code VP8 }
     * @param width its width
     * @param height its height
     * @param exif the {@code EXIF} chunk's data
     * @return the extended WebP
     */
    static byte[] webpWithExif(byte[] simpleWebp, int width, int height, byte[] exif) {
        ByteBuffer vp8x = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
        vp8x.put("VP8X".getBytes(StandardCharsets.US_ASCII)).putInt(10);
        vp8x.put((byte) 0x08).put((byte) 0).put((byte) 0).put((byte) 0);
        vp8x.put((byte) (width - 1)).put((byte) ((width - 1) >> 8)).put((byte) ((width - 1) >> 16));
        vp8x.put((byte) (height - 1)).put((byte) ((height - 1) >> 8)).put((byte) ((height - 1) >> 16));
        ByteBuffer exifChunk = ByteBuffer.allocate(8 + exif.length + (exif.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
        exifChunk.put("EXIF".getBytes(StandardCharsets.US_ASCII)).putInt(exif.length).put(exif);
        byte[] image = Arrays.copyOfRange(simpleWebp, 12, simpleWebp.length);
        byte[] body = concat("WEBP".getBytes(StandardCharsets.US_ASCII),
                concat(vp8x.array(), concat(image, exifChunk.array())));
        ByteBuffer riff = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        riff.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(body.length);
        return concat(riff.array(), body);
    }

    /** @return a marker segment: FF, marker, big-endian length, payload */
    static byte[] segment(int marker, byte[] payload) {
        int length = payload.length + 2;
        byte[] header = {(byte) 0xFF, (byte) marker, (byte) (length >> 8), (byte) length};
        return concat(header, payload);
    }

    /** @return the JPEG with the segment inserted right after its SOI marker */
    static byte[] insertAfterSoi(byte[] jpeg, byte[] segment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(segment, 0, segment.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /**
     * An Adobe-style CMYK JPEG (APP14 transform 0, inverted samples, as Photoshop writes them).
     *
     * @return a JPEG whose left half is printed red (0% C, 100% M, 100% Y) and right half blue
     *     (100% C, 100% M, 0% Y)
     */
    static byte[] cmykJpeg(int width, int height) {
        return adobeJpeg(width, height, 0, new int[] {255, 0, 0, 255}, new int[] {0, 0, 255, 255});
    }

    /**
     * An Adobe-style YCCK JPEG (APP14 transform 2). Decoders turn YCbCr into R, G, B with the
     * usual JFIF equations, take C = 255 - R (and so on) and pass K through, and the Adobe
     * convention stores every channel inverted; so R, G, B here are the ink amounts themselves and
     * K is stored as 255 for no black ink.
     *
     * @return a JPEG whose left half is printed red and right half blue, as {@link #cmykJpeg}
     */
    static byte[] ycckJpeg(int width, int height) {
        return adobeJpeg(width, height, 2, ycck(0, 255, 255), ycck(255, 255, 0));
    }

    private static int[] ycck(int cyanInk, int magentaInk, int yellowInk) {
        double y = 0.299 * cyanInk + 0.587 * magentaInk + 0.114 * yellowInk;
        double cb = 128 - 0.168736 * cyanInk - 0.331264 * magentaInk + 0.5 * yellowInk;
        double cr = 128 + 0.5 * cyanInk - 0.418688 * magentaInk - 0.081312 * yellowInk;
        return new int[] {clamp(y), clamp(cb), clamp(cr), 255};
    }

    private static int clamp(double value) {
        return (int) Math.max(0, Math.min(255, Math.round(value)));
    }

    private static byte[] adobeJpeg(int width, int height, int transform, int[] left, int[] right) {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, x < width / 2 ? left : right);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        byte[] adobe = {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
        return insertAfterSoi(bytes.toByteArray(), segment(0xEE, adobe));
    }

    /** @return a PNG that is only a signature, an IHDR declaring the dimensions (8-bit RGB) and IEND */
    static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height);
        ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
        return concat(signature, concat(pngChunk("IHDR", ihdr.array()), pngChunk("IEND", new byte[0])));
    }

    /**
     * Marks one colour of an 8-bit truecolour or grey PNG transparent with a {@code tRNS} chunk,
     * inserted right after IHDR as the PNG specification requires (before IDAT).
     *
     * @param png an 8-bit RGB or grey PNG without a palette
     * @param sample the transparent colour: three samples (R, G, B) or one (grey), each 0-255
     * @return the PNG with the chunk
     */
    static byte[] withTransparentColour(byte[] png, int... sample) {
        ByteBuffer trns = ByteBuffer.allocate(2 * sample.length);
        for (int value : sample) {
            trns.putShort((short) value);
        }
        return insertPngChunkAfterIhdr(png, pngChunk("tRNS", trns.array()));
    }

    private static byte[] insertPngChunkAfterIhdr(byte[] png, byte[] chunk) {
        int afterIhdr = 8 + 12 + 13;
        byte[] head = Arrays.copyOfRange(png, 0, afterIhdr);
        byte[] tail = Arrays.copyOfRange(png, afterIhdr, png.length);
        return concat(head, concat(chunk, tail));
    }

    private static byte[] pngChunk(String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(typeBytes).put(data)
                .putInt((int) crc.getValue()).array();
    }

    /** @return a photo-like JPEG at quality 0.95 from {@link TestImages} */
    static byte[] photoJpeg(int width, int height) {
        return TestImages.jpeg(width, height, 42);
    }

    /** @return the resource under {@code /images/} */
    static byte[] resource(String name) {
        try (InputStream in = ImageFixtures.class.getResourceAsStream("/images/" + name)) {
            assertThat(in).as("test resource /images/%s", name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decodes bytes that must be a JPEG.
     *
     * @return the pixels
     */
    static BufferedImage readJpeg(byte[] data) {
        assertThat(data).as("JPEG SOI marker").startsWith((byte) 0xFF, (byte) 0xD8);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            assertThat(readers.hasNext()).as("an ImageIO reader recognises the output").isTrue();
            ImageReader reader = readers.next();
            try {
                assertThat(reader.getFormatName()).isEqualToIgnoringCase("jpeg");
                reader.setInput(in);
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the markers of the segments before the first scan of a JPEG */
    static List<Integer> markersBeforeScan(byte[] jpeg) {
        List<Integer> markers = new ArrayList<>();
        int pos = 2;
        while (pos + 4 <= jpeg.length) {
            int marker = jpeg[pos + 1] & 0xFF;
            markers.add(marker);
            if (marker == 0xDA) {
                break;
            }
            pos += 2 + ((jpeg[pos + 2] & 0xFF) << 8 | (jpeg[pos + 3] & 0xFF));
        }
        return markers;
    }

    /**
     * Asserts that a pixel is within a tolerance of a colour on every channel.
     */
    static void assertColorNear(BufferedImage image, int x, int y, Color expected, int tolerance) {
        Color actual = new Color(image.getRGB(x, y));
        assertThat(Math.abs(actual.getRed() - expected.getRed())
                + Math.abs(actual.getGreen() - expected.getGreen())
                + Math.abs(actual.getBlue() - expected.getBlue()))
                .as("colour at (%d,%d) is %s, expected near %s", x, y, hex(actual), hex(expected))
                .isLessThanOrEqualTo(tolerance);
    }

    /** @return the mean absolute difference per channel between two images of the same size */
    static double meanAbsoluteDifference(BufferedImage a, BufferedImage b) {
        assertThat(b.getWidth()).isEqualTo(a.getWidth());
        assertThat(b.getHeight()).isEqualTo(a.getHeight());
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs((p >> shift & 0xFF) - (q >> shift & 0xFF));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String hex(Color c) {
        return String.format("#%06x", c.getRGB() & 0xFFFFFF);
    }
}
