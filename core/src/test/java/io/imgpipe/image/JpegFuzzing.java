package io.imgpipe.image;

import io.imgpipe.CompressionException;
import io.imgpipe.image.JpegSources.Sampling;
import io.imgpipe.spi.CompressedImage;
import io.imgpipe.spi.CompressionPath;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs the default compressor on mutated JPEGs and counts what comes out. The seeds are corpus
 * photos made small (about 96x64) and written in every structure the transcoder reads (grey,
 * 4:2:0, 4:2:2, 4:4:4; baseline, progressive; with and without restart intervals), plus the
 * smallest corpus JPEGs as they are; without a corpus, generated photos. The compressor's limit
 * is 4 megapixels, so that a mutated header cannot make one input take seconds.
 */
final class JpegFuzzing {

    /** What one run saw. */
    static final class Tally {
        long inputs;
        long transcoded;
        long pixels;
        long compressionExceptions;
        long maxNanos;
        final Map<String, Long> unexpected = new TreeMap<>();
        String firstUnexpected;

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d inputs: %d transcoded, %d pixel path, %d CompressionException, "
                    + "unexpected %s; slowest input %.1f ms", inputs, transcoded, pixels, compressionExceptions,
                    unexpected, maxNanos / 1e6);
        }
    }

    private final List<byte[]> seeds;
    private final ThumbnailatorCompressor compressor =
            new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withMaxPixels(4_000_000L));

    JpegFuzzing(List<byte[]> seeds) {
        this.seeds = seeds;
    }

    /** @return the seeds described in the class comment */
    static JpegFuzzing withDefaultSeeds() {
        return new JpegFuzzing(seeds(JpegTranscoderCorpusTest.corpusDirectory()));
    }

    int seedCount() {
        return seeds.size();
    }

    /**
     * @param seed the random seed; the same seed gives the same inputs
     * @param goOn asked before each input; the run stops when it says no
     * @return the tally
     */
    Tally run(long seed, BooleanSupplier goOn) {
        SplittableRandom random = new SplittableRandom(seed);
        Tally tally = new Tally();
        while (goOn.getAsBoolean()) {
            byte[] input = JpegMutator.mutate(seeds.get(random.nextInt(seeds.size())), random);
            long start = System.nanoTime();
            try {
                CompressedImage out = compressor.compress(input);
                if (out.path() == CompressionPath.TRANSCODED) {
                    tally.transcoded++;
                } else {
                    tally.pixels++;
                }
            } catch (CompressionException e) {
                tally.compressionExceptions++;
            } catch (RuntimeException | Error e) {
                tally.unexpected.merge(e.getClass().getName(), 1L, Long::sum);
                if (tally.firstUnexpected == null) {
                    tally.firstUnexpected = e + " at " + (e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?")
                            + " for input " + tally.inputs + " of seed " + seed;
                }
            }
            tally.maxNanos = Math.max(tally.maxNanos, System.nanoTime() - start);
            tally.inputs++;
        }
        return tally;
    }

    private static List<byte[]> seeds(Path corpus) {
        List<BufferedImage> pictures = new ArrayList<>();
        List<byte[]> seeds = new ArrayList<>();
        if (corpus != null) {
            List<Path> jpegs = list(corpus);
            for (int i = 0; i < jpegs.size(); i += 5) {
                pictures.add(shrink(TranscodeComparison.decode(read(jpegs.get(i))), 96 + i % 3 * 8, 64 + i % 4 * 4));
            }
            jpegs.stream().filter(p -> p.getFileName().toString().startsWith("p005_")).limit(3)
                    .forEach(p -> seeds.add(read(p)));
        } else {
            for (int i = 0; i < 8; i++) {
                pictures.add(io.imgpipe.testkit.TestImages.photo(96 + i * 4, 64 + i * 2, i));
            }
        }
        int n = 0;
        for (BufferedImage picture : pictures) {
            for (Sampling sampling : Sampling.values()) {
                BufferedImage source = sampling == Sampling.GREY ? grey(picture) : picture;
                boolean progressive = n % 2 == 0;
                int restart = n % 3 == 0 ? 1 + n % 4 : 0;
                seeds.add(JpegSources.encode(source, sampling, progressive, restart, 0.9f));
                n++;
            }
        }
        return seeds;
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jpg")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BufferedImage shrink(BufferedImage image, int width, int height) {
        BufferedImage small = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = small.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return small;
    }

    private static BufferedImage grey(BufferedImage image) {
        BufferedImage grey = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        grey.getGraphics().drawImage(image, 0, 0, null);
        return grey;
    }
}
