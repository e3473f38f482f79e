package io.imgpipe.sql;

import io.imgpipe.EngineConfig;
import io.imgpipe.ProcessingEngine;
import io.imgpipe.RequestStatus;
import io.imgpipe.Status;
import io.imgpipe.fetch.AddressPolicy;
import io.imgpipe.fetch.FetcherConfig;
import io.imgpipe.fetch.HttpImageFetcher;
import io.imgpipe.image.CompressorConfig;
import io.imgpipe.image.ThumbnailatorCompressor;
import io.imgpipe.local.FileSystemObjectStore;
import io.imgpipe.local.FileSystemStoreConfig;
import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.Reply;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Prints the throughput of the whole pipeline on the embedded default (a SQLite file and a
 * file-system store) next to the compressor's own throughput on the same number of threads, in
 * one run, and their ratio. A program, not a test: it asserts nothing and is not run by the build.
 *
 * <p>The corpus photos are held in memory and served from a loopback HTTP server in the same
 * JVM. The pipeline: one {@link ProcessingEngine} on a SQLite file and a file-system store, with
 * {@code cpuConcurrency} = the number of cores and the default I/O concurrency, started once and
 * kept for the whole run as a server keeps it; each round submits one CSV (one image per row,
 * {@code copies} copies of each photo, under URLs no earlier round used) and is timed from submit
 * to the completion of the request (fetch, probe, compress, store the file, record).
 * Compress-only: the same images compressed by {@link ThumbnailatorCompressor} (the engine's
 * default compressor) on as many threads, each taking the next image, timed from first to last.
 * The engine's first request (a cold start) is printed, not counted. Then the pipeline is warmed
 * up until the JIT is quiet (it compiled for under 1% of the CPU time of 3 rounds in a row, or
 * after {@code maxWarmups} rounds): the per-image code of the HTTP client and server, the JDBC
 * driver and the engine runs only a few hundred times a round, so the compiler keeps compiling it
 * for about a hundred rounds, a cost a long-running server pays once; the compressor, whose code
 * runs millions of times a round, gets 3 rounds. Then {@code rounds} rounds alternate
 * compress-only and the pipeline, each printed with the JIT's compile time during it, and the
 * ratio is that of the medians.
 *
 * <pre>
 * mvn -B -q -pl store-sql -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/imgpipe-sql-bench.cp -Dmdep.includeScope=test
 * java -Xmx2g -cp store-sql/target/test-classes:store-sql/target/classes:$(cat /tmp/imgpipe-sql-bench.cp) \
 *     io.imgpipe.sql.PipelineBenchmark [corpusDir (default ../shared/corpus) [copies (default 3) [rounds (default 8)
 *         [maxWarmups (default 150)]]]]
 * </pre>
 */
public final class PipelineBenchmark {

    /** A warm-up round is quiet when the JIT compiled for less than this share of its CPU time. */
    private static final double QUIET_JIT_SHARE = 0.01;
    /** Quiet warm-up rounds in a row that end the warm-up. */
    private static final int QUIET_ROUNDS = 3;

    private PipelineBenchmark() {
    }

    private static long jitMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /**
     * Runs the benchmark.
     *
     * @param args corpus directory, copies of each photo, measured rounds, most pipeline warm-up rounds
     */
    public static void main(String[] args) throws Exception {
        Path corpusDir = Path.of(args.length > 0 ? args[0] : "../shared/corpus");
        int copies = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int maxWarmups = args.length > 3 ? Integer.parseInt(args[3]) : 150;
        int threads = Runtime.getRuntime().availableProcessors();
        List<byte[]> corpus = new ArrayList<>();
        try (Stream<Path> files = Files.list(corpusDir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
                if (name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png") || name.endsWith(".webp")) {
                    corpus.add(Files.readAllBytes(file));
                }
            }
        }
        List<byte[]> images = new ArrayList<>();
        for (int c = 0; c < copies; c++) {
            images.addAll(corpus);
        }
        ThumbnailatorCompressor compressor = new ThumbnailatorCompressor(CompressorConfig.defaults());
        System.out.println(String.format(Locale.ROOT, "%d photos x %d copies = %d images, %d threads (cores)",
                corpus.size(), copies, images.size(), threads));
        Path dir = Files.createTempDirectory("imgpipe-pipeline-bench");
        try (Pipeline pipeline = new Pipeline(dir, threads)) {
            // The first request on the fresh engine is a cold start: printed, not counted. Then
            // the pipeline is warmed until the JIT is quiet: per-image code (HTTP client and
            // server, JDBC, the engine) runs only a few hundred times a round, so the compiler
            // keeps compiling it for a hundred rounds or so, which a long-running server pays once.
            // The compressor is warmed alike (its code runs millions of times a round).
            long jit = jitMillis();
            double cold = pipeline.run(images);
            System.out.println(String.format(Locale.ROOT,
                    "cold start: the engine's first request %.2f images/s (JIT %d ms during it)", cold, jitMillis() - jit));
            int quietRounds = 0;
            int warmup = 0;
            while (warmup < maxWarmups && quietRounds < QUIET_ROUNDS) {
                warmup++;
                jit = jitMillis();
                long started = System.nanoTime();
                double piped = pipeline.run(images);
                long compiled = jitMillis() - jit;
                boolean quiet = compiled * 1e6 < QUIET_JIT_SHARE * threads * (System.nanoTime() - started);
                quietRounds = quiet ? quietRounds + 1 : 0;
                if (warmup % 10 == 0 || quiet) {
                    System.out.println(String.format(Locale.ROOT, "warm-up %d: pipeline %.2f images/s, JIT %d ms%s",
                            warmup, piped, compiled, quiet ? " (quiet)" : ""));
                }
            }
            for (int round = 0; round < 3; round++) {
                compressOnly(compressor, images, threads);
            }
            System.out.println(String.format(Locale.ROOT, "warmed up: %d pipeline rounds (%s), 3 compress-only rounds",
                    warmup, quietRounds >= QUIET_ROUNDS ? "until the JIT was quiet in " + QUIET_ROUNDS + " rounds running"
                            : "the most allowed; the JIT was still compiling"));
            List<Double> compressRates = new ArrayList<>();
            List<Double> pipelineRates = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                jit = jitMillis();
                double compressOnly = compressOnly(compressor, images, threads);
                long compressJit = jitMillis() - jit;
                jit = jitMillis();
                double piped = pipeline.run(images);
                long pipelineJit = jitMillis() - jit;
                compressRates.add(compressOnly);
                pipelineRates.add(piped);
                ratios.add(piped / compressOnly);
                System.out.println(String.format(Locale.ROOT,
                        "round %d: compress-only %.2f images/s (JIT %d ms), pipeline (SQLite + file store, loopback HTTP)"
                                + " %.2f images/s (JIT %d ms) (%.2f)",
                        round, compressOnly, compressJit, piped, pipelineJit, piped / compressOnly));
            }
            double compressMedian = median(compressRates);
            double pipelineMedian = median(pipelineRates);
            System.out.println(String.format(Locale.ROOT,
                    "median of %d rounds: compress-only %.2f images/s, pipeline %.2f images/s",
                    rounds, compressMedian, pipelineMedian));
            // The machine's speed drifts from round to round (compress-only alone by 20% or more on a
            // shared virtual machine); each round's ratio sets the pipeline beside the compress-only
            // round just before it, so their spread shows how far one run's medians can be trusted.
            System.out.println(String.format(Locale.ROOT, "per-round ratios: median %.2f, lowest %.2f, highest %.2f",
                    median(ratios), ratios.stream().min(Double::compare).orElseThrow(),
                    ratios.stream().max(Double::compare).orElseThrow()));
            System.out.println(String.format(Locale.ROOT, "pipeline / compress-only = %.2f", pipelineMedian / compressMedian));
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static double compressOnly(ThumbnailatorCompressor compressor, List<byte[]> images, int threads)
            throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            AtomicInteger next = new AtomicInteger();
            long start = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(executor.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < images.size()) {
                        compressor.compress(images.get(i));
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            return images.size() / ((System.nanoTime() - start) / 1e9);
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * One engine on one SQLite file, file store, fetcher and image server, started once and kept
     * for every round, as a server keeps its engine: each round is one new request whose URLs
     * no earlier round used.
     */
    private static final class Pipeline implements AutoCloseable {

        private final TestHttpServer server = TestHttpServer.start();
        private final SqlProductRepository repository;
        private final HttpImageFetcher fetcher;
        private final ProcessingEngine engine;
        private final BlockingQueue<String> finished = new LinkedBlockingQueue<>();
        private int requests;

        Pipeline(Path dir, int threads) {
            repository = SqlProductRepository.builder(SqlRepositoryConfig.forSqliteFile(dir.resolve("imgpipe.db"))).build();
            fetcher = new HttpImageFetcher(FetcherConfig.defaults().withAddressPolicy(AddressPolicy.publicOnlyAnd("127.0.0.1/32")));
            engine = ProcessingEngine.builder()
                    .repository(repository)
                    .objectStore(new FileSystemObjectStore(new FileSystemStoreConfig(dir.resolve("images"),
                            URI.create("http://localhost:8080/files/"))))
                    .fetcher(fetcher)
                    .config(EngineConfig.builder().cpuConcurrency(threads).build())
                    .onCompletion(request -> finished.add(request.requestId()))
                    .build();
            engine.start();
        }

        /** Submits the images as one request (one image per row) and times it from submit to completion. */
        double run(List<byte[]> images) throws Exception {
            int request = ++requests;
            StringBuilder csv = new StringBuilder("S. No.,Product Name,Input Image Urls\n");
            for (int i = 0; i < images.size(); i++) {
                String path = "/corpus/" + request + "/" + i + ".jpg";
                server.serve(path, Reply.ok("image/jpeg", images.get(i)));
                csv.append(i + 1).append(",Photo ").append(i + 1).append(',').append(server.url(path)).append('\n');
            }
            long start = System.nanoTime();
            String id = engine.submit(new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)));
            String done = finished.poll(30, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!id.equals(done)) {
                throw new IllegalStateException("request " + id + " did not finish within 30 minutes (finished: " + done + ")");
            }
            RequestStatus status = engine.status(id).orElseThrow();
            if (status.status() != Status.COMPLETED) {
                throw new IllegalStateException("the request ended " + status.status() + ": " + status.progress());
            }
            return images.size() / seconds;
        }

        @Override
        public void close() {
            try (server; repository; fetcher) {
                engine.close();
            }
        }
    }
}
