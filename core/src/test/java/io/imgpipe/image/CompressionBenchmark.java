package io.imgpipe.image;

import io.imgpipe.CompressionException;
import io.imgpipe.spi.CompressedImage;
import io.imgpipe.spi.CompressionPath;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import net.coobird.thumbnailator.Thumbnails;

/**
 * Measures single-thread compression throughput (source megapixels per second) and output size
 * over a corpus of photos held in memory. A program, not a test: it asserts nothing about speed.
 *
 * <p>Approaches, all JPEG quality 0.5 at the source's size:
 * <ul>
 *   <li>(a) {@link ThumbnailatorCompressor} with its defaults (JPEGs transcoded in the
 *       DCT-coefficient domain where exact, optimized Huffman tables); the figures say how many
 *       images took each {@link CompressionPath};</li>
 *   <li>(p) the same with transcoding off: every image decoded to pixels;</li>
 *   <li>(a') the same with standard Huffman tables, the encoder setting (b) and (c) use;</li>
 *   <li>(b) plain ImageIO: {@code ImageIO.read} and the JPEG {@link ImageWriter}, disk cache off;</li>
 *   <li>(c) Thumbnailator defaults: {@code Thumbnails.of(stream).scale(1.0).outputFormat("jpg")
 *       .outputQuality(0.5)}, Thumbnailator decoding the bytes itself.</li>
 * </ul>
 * Every approach gets the warm-up passes first; then the measured passes run round-robin (one pass
 * of each approach per round) so that a change in machine load during the run affects all of them
 * alike. Each pass compresses the whole corpus once. Throughput is printed twice: by wall-clock
 * time, and by the CPU time of the benchmark thread, which is less distorted when other processes
 * share the core (it leaves out garbage collection, which runs in other threads).
 *
 * <p>Run from the repository root, pinned to one core:
 * <pre>
 * mvn -B -q -pl core test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt \
 *   &amp;&amp; taskset -c 1 java -cp core/target/test-classes:core/target/classes:$(cat core/target/cp.txt) \
 *      io.imgpipe.image.CompressionBenchmark [corpusDir [measuredPasses [warmupPasses]]]
 * </pre>
 * The corpus defaults to {@code ../shared/corpus}; files no ImageIO reader recognises (such as
 * the corpus's {@code MANIFEST.tsv}) are listed and skipped.
 */
public final class CompressionBenchmark {

    private CompressionBenchmark() {
    }

    /** A way to turn encoded bytes into a JPEG of the same size. */
    @FunctionalInterface
    private interface Approach {
        byte[] compress(byte[] source) throws IOException;
    }

    private record Image(String name, byte[] data, long pixels, boolean jpeg) {
    }

    private record Pass(double wallMegapixelsPerSecond, double cpuMegapixelsPerSecond, long outputBytes,
            long jpegSourceOutputBytes) {
    }

    /**
     * @param args corpus directory (default {@code ../shared/corpus}), measured passes (default 5),
     *     warm-up passes (default 2)
     * @throws IOException if the corpus cannot be read
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/corpus");
        int measuredPasses = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int warmupPasses = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        if (measuredPasses < 5) {
            throw new IllegalArgumentException("at least 5 measured passes, got " + measuredPasses);
        }
        ImageIO.setUseCache(false);

        List<Image> corpus = load(dir);
        long inputBytes = corpus.stream().mapToLong(i -> i.data().length).sum();
        double megapixels = corpus.stream().mapToLong(Image::pixels).sum() / 1e6;
        System.out.printf(Locale.ROOT, "corpus %s: %d images, %.2f MP, %.1f MB; java %s on %s, %d available processor(s)%n",
                dir.toAbsolutePath().normalize(), corpus.size(), megapixels, inputBytes / 1e6,
                System.getProperty("java.version"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors());

        Map<String, Approach> approaches = new LinkedHashMap<>();
        ThumbnailatorCompressor ours = new ThumbnailatorCompressor();
        ThumbnailatorCompressor oursStandardHuffman = new ThumbnailatorCompressor(
                CompressorConfig.DEFAULTS.withOptimizeHuffman(false).withTranscodeJpegs(false));
        ThumbnailatorCompressor oursPixels =
                new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withTranscodeJpegs(false));
        approaches.put("(a)  imgpipe ThumbnailatorCompressor, defaults (transcoding, optimized Huffman)",
                s -> counted("(a)", ours.compress(s)));
        approaches.put("(p)  imgpipe ThumbnailatorCompressor, pixel path only", s -> counted("(p)", oursPixels.compress(s)));
        approaches.put("(a') imgpipe ThumbnailatorCompressor, pixel path only, standard Huffman",
                s -> counted("(a')", oursStandardHuffman.compress(s)));
        approaches.put("(b)  ImageIO.read + JPEG ImageWriter", CompressionBenchmark::plainImageIo);
        approaches.put("(c)  Thumbnailator defaults, scale(1.0)", CompressionBenchmark::thumbnailatorDefaults);

        System.out.printf("warm-up: %d pass(es) of each approach%n", warmupPasses);
        for (Approach approach : approaches.values()) {
            for (int i = 0; i < warmupPasses; i++) {
                runPass(approach, corpus);
            }
        }

        Map<String, List<Pass>> results = new LinkedHashMap<>();
        approaches.keySet().forEach(name -> results.put(name, new ArrayList<>()));
        for (int round = 1; round <= measuredPasses; round++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "pass %d (wall / thread-CPU MP/s):", round));
            for (Map.Entry<String, Approach> approach : approaches.entrySet()) {
                Pass pass = runPass(approach.getValue(), corpus);
                results.get(approach.getKey()).add(pass);
                line.append(String.format(Locale.ROOT, "  %s %5.1f / %5.1f", label(approach.getKey()),
                        pass.wallMegapixelsPerSecond(), pass.cpuMegapixelsPerSecond()));
            }
            System.out.println(line);
        }

        long jpegInputBytes = corpus.stream().filter(Image::jpeg).mapToLong(i -> i.data().length).sum();
        System.out.println();
        System.out.printf("%-78s %11s %11s %7s %7s  %s%n", "approach", "median MP/s", "median MP/s", "out/in",
                "out/in", "wall MP/s per pass");
        System.out.printf("%-78s %11s %11s %7s %7s%n", "", "wall", "thread-CPU", "all", "jpegs");
        Map<String, double[]> medians = new LinkedHashMap<>();
        for (Map.Entry<String, List<Pass>> result : results.entrySet()) {
            List<Pass> passes = result.getValue();
            double[] wall = passes.stream().mapToDouble(Pass::wallMegapixelsPerSecond).toArray();
            double[] cpu = passes.stream().mapToDouble(Pass::cpuMegapixelsPerSecond).toArray();
            medians.put(label(result.getKey()), new double[] {median(wall), median(cpu)});
            System.out.printf(Locale.ROOT, "%-78s %11.1f %11.1f %7.3f %7.3f  %s%n", result.getKey(), median(wall),
                    median(cpu), (double) passes.get(0).outputBytes() / inputBytes,
                    (double) passes.get(0).jpegSourceOutputBytes() / jpegInputBytes,
                    Arrays.stream(wall).mapToObj(v -> String.format(Locale.ROOT, "%.1f", v))
                            .collect(Collectors.joining(" ")));
        }
        System.out.println();
        int passes = warmupPasses + measuredPasses;
        PATHS.forEach((approach, counts) -> System.out.printf(Locale.ROOT, "paths of %s per pass: %s%n", approach,
                counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() / passes)
                        .collect(Collectors.joining(", "))));
        printRatio("(a)/(p) ", medians.get("(a)"), medians.get("(p)"), "transcoder vs pixel path, same compressor");
        printRatio("(a)/(b) ", medians.get("(a)"), medians.get("(b)"), "defaults vs plain ImageIO");
        printRatio("(a')/(b)", medians.get("(a')"), medians.get("(b)"), "same encoder settings as plain ImageIO");
        printRatio("(a)/(c) ", medians.get("(a)"), medians.get("(c)"), "defaults vs Thumbnailator defaults");
    }

    private static final Map<String, Map<CompressionPath, Long>> PATHS = new TreeMap<>();

    private static byte[] counted(String approach, CompressedImage output) {
        PATHS.computeIfAbsent(approach, a -> new EnumMap<>(CompressionPath.class)).merge(output.path(), 1L, Long::sum);
        return output.data();
    }

    private static void printRatio(String name, double[] numerator, double[] denominator, String meaning) {
        System.out.printf(Locale.ROOT, "ratio %s = %.3f wall, %.3f thread-CPU   (%s)%n", name,
                numerator[0] / denominator[0], numerator[1] / denominator[1], meaning);
    }

    private static List<Image> load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("corpus directory " + dir.toAbsolutePath().normalize()
                    + " does not exist; pass the corpus directory as the first argument");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
        ImageProbe probe = new ImageProbe(Long.MAX_VALUE);
        List<Image> images = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path file : files) {
            byte[] data = Files.readAllBytes(file);
            try {
                ImageHeader header = probe.probe(data);
                images.add(new Image(file.getFileName().toString(), data, header.pixels(),
                        "jpeg".equals(header.format())));
            } catch (CompressionException e) {
                skipped.add(file.getFileName().toString());
            }
        }
        if (images.isEmpty()) {
            throw new IOException("no image in " + dir.toAbsolutePath().normalize());
        }
        if (!skipped.isEmpty()) {
            System.out.println("skipped (not images): " + String.join(", ", skipped));
        }
        return images;
    }

    private static Pass runPass(Approach approach, List<Image> corpus) {
        System.gc();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long pixels = 0;
        long outputBytes = 0;
        long jpegSourceOutputBytes = 0;
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (Image image : corpus) {
            int length;
            try {
                length = approach.compress(image.data()).length;
            } catch (IOException e) {
                throw new UncheckedIOException("compressing " + image.name(), e);
            }
            outputBytes += length;
            jpegSourceOutputBytes += image.jpeg() ? length : 0;
            pixels += image.pixels();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        return new Pass(pixels / 1e6 / seconds, pixels / 1e6 / cpuSeconds, outputBytes, jpegSourceOutputBytes);
    }

    private static byte[] plainImageIo(byte[] source) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(source));
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.5f);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static byte[] thumbnailatorDefaults(byte[] source) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Thumbnails.of(new ByteArrayInputStream(source)).scale(1.0).outputFormat("jpg").outputQuality(0.5)
                .toOutputStream(bytes);
        return bytes.toByteArray();
    }

    private static String label(String approach) {
        return approach.substring(0, approach.indexOf(')') + 1);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
