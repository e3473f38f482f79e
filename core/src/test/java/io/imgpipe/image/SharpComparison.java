package io.imgpipe.image;

import io.imgpipe.spi.CompressedImage;
import io.imgpipe.spi.CompressionPath;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Java side of {@code bench/sharp-vs-imgpipe.sh}: runs sharp (in a child node process, see
 * {@code bench/sharp-side.js}) and imgpipe's default {@link ThumbnailatorCompressor} alternately,
 * one pass over the corpus each per round, both on the core this process is pinned to, and prints
 * for JPEG and PNG sources: median MP/s (wall clock, and CPU time), their ratio, output bytes, mean
 * PSNR of the decoded output against the decoded source, and which compression path ran.
 * A program, not a test; start it through the script, which installs sharp.
 */
public final class SharpComparison {

    private SharpComparison() {
    }

    private record Source(String name, byte[] data, long pixels, boolean jpeg) {
    }

    /** Seconds and bytes per image for one pass, and the CPU seconds of the pass. */
    private record Pass(double[] seconds, long[] bytes, double cpuSeconds, CompressionPath[] paths) {
    }

    /**
     * @param args corpus directory, measured rounds, warm-up rounds, sharp's module directory,
     *     sharp-side.js, a directory for sharp's outputs
     * @throws Exception if the corpus cannot be read or the node side fails
     */
    public static void main(String[] args) throws Exception {
        Path corpus = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        String sharpModule = args[3];
        String sharpSide = args[4];
        Path sharpOut = Path.of(args[5]);
        List<Source> sources = load(corpus);
        Process node = new ProcessBuilder("node", sharpSide, sharpModule, corpus.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader fromNode = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter toNode = new PrintWriter(new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8), true);
        String ready = fromNode.readLine();
        if (ready == null || !ready.startsWith("ready\t" + sources.size() + "\t")) {
            throw new IllegalStateException("the node side did not start as expected: " + ready);
        }
        System.out.printf(Locale.ROOT, "corpus %s: %d images (%d JPEG, %d PNG), %.2f MP; java %s; %s; %d processor(s)%n",
                corpus, sources.size(), sources.stream().filter(Source::jpeg).count(),
                sources.stream().filter(s -> !s.jpeg()).count(),
                sources.stream().mapToLong(Source::pixels).sum() / 1e6, System.getProperty("java.version"),
                ready.substring(ready.indexOf('\t', 6) + 1).replace('\t', ','),
                Runtime.getRuntime().availableProcessors());

        ThumbnailatorCompressor compressor = new ThumbnailatorCompressor();
        List<CompressedImage> ours = new ArrayList<>();
        System.out.printf("warm-up: %d round(s)%n", warmup);
        for (int i = 0; i < warmup; i++) {
            sharpPass(toNode, fromNode, sources.size());
            imgpipePass(compressor, sources, ours);
        }
        List<Pass> sharpPasses = new ArrayList<>();
        List<Pass> ourPasses = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            sharpPasses.add(sharpPass(toNode, fromNode, sources.size()));
            ourPasses.add(imgpipePass(compressor, sources, ours));
            System.out.printf(Locale.ROOT, "round %d, JPEG sources, MP/s: sharp %.1f, imgpipe %.1f%n", round,
                    megapixelsPerSecond(sharpPasses.get(round - 1), sources, Source::jpeg),
                    megapixelsPerSecond(ourPasses.get(round - 1), sources, Source::jpeg));
        }
        toNode.println("write " + sharpOut);
        String written = fromNode.readLine();
        toNode.println("quit");
        toNode.close();
        node.waitFor();
        if (written == null || !written.equals("written\t" + sources.size())) {
            throw new IllegalStateException("the node side did not write its outputs: " + written);
        }

        double[] sharpPsnr = new double[sources.size()];
        double[] ourPsnr = new double[sources.size()];
        for (int i = 0; i < sources.size(); i++) {
            Source source = sources.get(i);
            BufferedImage reference = JpegExif.orientation(source.data()).apply(
                    JpegPixels.writable(TranscodeComparison.decode(source.data())));
            sharpPsnr[i] = ImageQuality.psnr(reference, JpegPixels.writable(
                    TranscodeComparison.decode(Files.readAllBytes(sharpOut.resolve(source.name())))));
            ourPsnr[i] = ImageQuality.psnr(reference, JpegPixels.writable(TranscodeComparison.decode(ours.get(i).data())));
        }
        System.out.println();
        report("JPEG sources", Source::jpeg, sources, sharpPasses, ourPasses, sharpPsnr, ourPsnr);
        report("PNG sources", s -> !s.jpeg(), sources, sharpPasses, ourPasses, sharpPsnr, ourPsnr);
        report("all sources", s -> true, sources, sharpPasses, ourPasses, sharpPsnr, ourPsnr);
    }

    private static void report(String title, Predicate<Source> group, List<Source> sources, List<Pass> sharpPasses,
            List<Pass> ourPasses, double[] sharpPsnr, double[] ourPsnr) {
        long count = sources.stream().filter(group).count();
        if (count == 0) {
            return;
        }
        double sharpSpeed = median(sharpPasses.stream().mapToDouble(p -> megapixelsPerSecond(p, sources, group)).toArray());
        double ourSpeed = median(ourPasses.stream().mapToDouble(p -> megapixelsPerSecond(p, sources, group)).toArray());
        long inputBytes = sources.stream().filter(group).mapToLong(s -> s.data().length).sum();
        long sharpBytes = bytes(sharpPasses.get(0), sources, group);
        long ourBytes = bytes(ourPasses.get(0), sources, group);
        double sharpMean = mean(sharpPsnr, sources, group);
        double ourMean = mean(ourPsnr, sources, group);
        Map<CompressionPath, Integer> paths = new EnumMap<>(CompressionPath.class);
        Pass last = ourPasses.get(ourPasses.size() - 1);
        for (int i = 0; i < sources.size(); i++) {
            if (group.test(sources.get(i))) {
                paths.merge(last.paths()[i], 1, Integer::sum);
            }
        }
        System.out.printf(Locale.ROOT, "%s (%d images, %.2f MP, %d bytes in):%n", title, count,
                sources.stream().filter(group).mapToLong(Source::pixels).sum() / 1e6, inputBytes);
        System.out.printf(Locale.ROOT, "  %-10s %8s %13s %7s %9s  %s%n", "", "MP/s", "output bytes", "out/in",
                "mean PSNR", "paths");
        System.out.printf(Locale.ROOT, "  %-10s %8.1f %13d %7.3f %9.3f%n", "sharp", sharpSpeed, sharpBytes,
                (double) sharpBytes / inputBytes, sharpMean);
        System.out.printf(Locale.ROOT, "  %-10s %8.1f %13d %7.3f %9.3f  %s%n", "imgpipe", ourSpeed, ourBytes,
                (double) ourBytes / inputBytes, ourMean, paths);
        System.out.printf(Locale.ROOT, "  imgpipe/sharp: speed %.2fx, bytes %+.2f%%, PSNR %+.3f dB "
                + "(medians of %d rounds, wall clock, one core)%n%n", ourSpeed / sharpSpeed,
                100.0 * (ourBytes - sharpBytes) / sharpBytes, ourMean - sharpMean, sharpPasses.size());
    }

    private static Pass sharpPass(PrintWriter toNode, BufferedReader fromNode, int images) throws IOException {
        toNode.println("pass");
        String line = fromNode.readLine();
        if (line == null) {
            throw new IllegalStateException("the node side ended");
        }
        String[] fields = line.split("\t");
        if (fields.length != 1 + 2 * images) {
            throw new IllegalStateException("unexpected answer from the node side: " + line);
        }
        double[] seconds = new double[images];
        long[] bytes = new long[images];
        for (int i = 0; i < images; i++) {
            seconds[i] = Double.parseDouble(fields[1 + 2 * i]);
            bytes[i] = Long.parseLong(fields[2 + 2 * i]);
        }
        return new Pass(seconds, bytes, Double.parseDouble(fields[0]), null);
    }

    private static Pass imgpipePass(ThumbnailatorCompressor compressor, List<Source> sources,
            List<CompressedImage> outputs) {
        System.gc();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] seconds = new double[sources.size()];
        long[] bytes = new long[sources.size()];
        CompressionPath[] paths = new CompressionPath[sources.size()];
        outputs.clear();
        long cpuStart = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < sources.size(); i++) {
            long start = System.nanoTime();
            CompressedImage out = compressor.compress(sources.get(i).data());
            seconds[i] = (System.nanoTime() - start) / 1e9;
            bytes[i] = out.data().length;
            outputs.add(out);
            paths[i] = out.path();
        }
        double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        return new Pass(seconds, bytes, cpu, paths);
    }

    private static double megapixelsPerSecond(Pass pass, List<Source> sources, Predicate<Source> group) {
        double seconds = 0;
        long pixels = 0;
        for (int i = 0; i < sources.size(); i++) {
            if (group.test(sources.get(i))) {
                seconds += pass.seconds()[i];
                pixels += sources.get(i).pixels();
            }
        }
        return pixels / 1e6 / seconds;
    }

    private static long bytes(Pass pass, List<Source> sources, Predicate<Source> group) {
        long total = 0;
        for (int i = 0; i < sources.size(); i++) {
            if (group.test(sources.get(i))) {
                total += pass.bytes()[i];
            }
        }
        return total;
    }

    private static double mean(double[] values, List<Source> sources, Predicate<Source> group) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < sources.size(); i++) {
            if (group.test(sources.get(i))) {
                sum += values[i];
                n++;
            }
        }
        return sum / n;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static List<Source> load(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png)"))
                    .sorted().collect(Collectors.toList());
        }
        ImageProbe probe = new ImageProbe(Long.MAX_VALUE);
        List<Source> sources = new ArrayList<>();
        for (Path file : files) {
            byte[] data = Files.readAllBytes(file);
            ImageHeader header = probe.probe(data);
            sources.add(new Source(file.getFileName().toString(), data, header.pixels(), "jpeg".equals(header.format())));
        }
        return sources;
    }
}
