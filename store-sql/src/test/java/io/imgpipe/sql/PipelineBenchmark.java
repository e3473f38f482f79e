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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Prints the throughput of the whole pipeline on the embedded default (a SQLite file and a
 * file-system store) next to the compressor's own throughput on the same number of threads, in
 * one run, and their ratio. A program, not a test: it asserts nothing and is not run by the build.
 *
 * <p>The corpus photos are held in memory and served from a loopback HTTP server, each under
 * {@code copies} distinct URLs. The pipeline: one CSV (one image per row) submitted to a
 * {@link ProcessingEngine} with {@code cpuConcurrency} = the number of cores and the default I/O
 * concurrency, timed from submit to the completion of the request (fetch, probe, compress, store
 * the file, record). Compress-only: the same images compressed by {@link ThumbnailatorCompressor}
 * (the engine's default compressor) on as many threads, each taking the next image, timed from
 * first to last. Both are warmed up by one unmeasured pass over the corpus (each pipeline pass
 * has a fresh engine, SQLite file and store); then {@code rounds} rounds alternate compress-only
 * and the pipeline, and the ratio is that of the medians.
 *
 * <pre>
 * mvn -B -q -pl store-sql -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/imgpipe-sql-bench.cp -Dmdep.includeScope=test
 * java -Xmx2g -cp store-sql/target/test-classes:store-sql/target/classes:$(cat /tmp/imgpipe-sql-bench.cp) \
 *     io.imgpipe.sql.PipelineBenchmark [corpusDir (default ../shared/corpus) [copies (default 3) [rounds (default 5)]]]
 * </pre>
 */
public final class PipelineBenchmark {

    private PipelineBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args corpus directory, copies of each photo, measured rounds
     */
    public static void main(String[] args) throws Exception {
        Path corpusDir = Path.of(args.length > 0 ? args[0] : "../shared/corpus");
        int copies = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
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
        // Both sides are warmed up the same way: one unmeasured pass each over the corpus, so that
        // the JIT has compiled the engine, the HTTP client and server and the JDBC driver as it has
        // the compressor. The first (cold) pipeline pass is printed too.
        compressOnly(compressor, corpus, threads);
        double cold = pipeline(corpus, threads);
        System.out.println(String.format(Locale.ROOT, "warm-up: pipeline, cold, over the corpus: %.2f images/s", cold));
        List<Double> compressRates = new ArrayList<>();
        List<Double> pipelineRates = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            double compressOnly = compressOnly(compressor, images, threads);
            double pipeline = pipeline(images, threads);
            compressRates.add(compressOnly);
            pipelineRates.add(pipeline);
            System.out.println(String.format(Locale.ROOT,
                    "round %d: compress-only %.2f images/s, pipeline (SQLite + file store, loopback HTTP) %.2f images/s (%.2f)",
                    round, compressOnly, pipeline, pipeline / compressOnly));
        }
        double compressMedian = median(compressRates);
        double pipelineMedian = median(pipelineRates);
        System.out.println(String.format(Locale.ROOT, "median of %d rounds: compress-only %.2f images/s, pipeline %.2f images/s",
                rounds, compressMedian, pipelineMedian));
        System.out.println(String.format(Locale.ROOT, "pipeline / compress-only = %.2f", pipelineMedian / compressMedian));
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

    private static double pipeline(List<byte[]> images, int threads) throws Exception {
        Path dir = Files.createTempDirectory("imgpipe-pipeline-bench");
        try (TestHttpServer server = TestHttpServer.start();
             SqlProductRepository repository = SqlProductRepository.builder(
                     SqlRepositoryConfig.forSqliteFile(dir.resolve("imgpipe.db"))).build();
             HttpImageFetcher fetcher = new HttpImageFetcher(FetcherConfig.defaults()
                     .withAddressPolicy(AddressPolicy.publicOnlyAnd("127.0.0.1/32")))) {
            StringBuilder csv = new StringBuilder("S. No.,Product Name,Input Image Urls\n");
            for (int i = 0; i < images.size(); i++) {
                String path = "/corpus/" + i + ".jpg";
                server.serve(path, Reply.ok("image/jpeg", images.get(i)));
                csv.append(i + 1).append(",Photo ").append(i + 1).append(',').append(server.url(path)).append('\n');
            }
            CountDownLatch done = new CountDownLatch(1);
            try (ProcessingEngine engine = ProcessingEngine.builder()
                    .repository(repository)
                    .objectStore(new FileSystemObjectStore(new FileSystemStoreConfig(dir.resolve("images"),
                            URI.create("http://localhost:8080/files/"))))
                    .fetcher(fetcher)
                    .config(EngineConfig.builder().cpuConcurrency(threads).build())
                    .onCompletion(request -> done.countDown())
                    .build()) {
                engine.start();
                long start = System.nanoTime();
                String id = engine.submit(new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)));
                if (!done.await(30, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the request did not finish within 30 minutes");
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                RequestStatus status = engine.status(id).orElseThrow();
                if (status.status() != Status.COMPLETED) {
                    throw new IllegalStateException("the request ended " + status.status() + ": " + status.progress());
                }
                return images.size() / seconds;
            }
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
