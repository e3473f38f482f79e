package io.imgpipe.image;

import io.imgpipe.CompressionException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child-JVM entry point for {@link ThumbnailatorCompressorMemoryTest}: compresses the file named
 * by its argument and prints, on one line, what came out: {@code OK}, or the class and message of
 * what was thrown. Run it with a heap too small for the image.
 */
final class SmallHeapCompression {

    private SmallHeapCompression() {
    }

    public static void main(String[] args) throws Exception {
        byte[] source = Files.readAllBytes(Path.of(args[0]));
        try {
            CompressorConfig config = CompressorConfig.DEFAULTS
                    .withTranscodeJpegs(!(args.length > 1 && "pixels".equals(args[1])));
            new ThumbnailatorCompressor(config).compress(source);
            System.out.println("OK");
        } catch (CompressionException e) {
            System.out.println(e.getClass().getName() + ": " + e.getMessage());
        } catch (Throwable e) {
            System.out.println("ESCAPED " + e.getClass().getName() + ": " + e.getMessage());
        }
    }
}
