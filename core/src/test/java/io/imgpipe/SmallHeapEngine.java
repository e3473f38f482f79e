package io.imgpipe;

import io.imgpipe.fetch.AddressPolicy;
import io.imgpipe.fetch.FetcherConfig;
import io.imgpipe.fetch.HttpImageFetcher;
import io.imgpipe.local.FileSystemObjectStore;
import io.imgpipe.local.FileSystemStoreConfig;
import io.imgpipe.local.InMemoryProductRepository;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A child-JVM entry point for {@link EngineSmallHeapTest}: runs an engine with the default memory
 * budget against the image server named by its first argument, submits one request of
 * {@code /big/1.jpg} to {@code /big/N.jpg} and one of {@code /huge.png}, waits for both, and prints
 * what happened, one line each: {@code HEAP}, {@code IMAGE}, {@code PNG_FINISHED_MS},
 * {@code ALL_FINISHED_MS}.
 *
 * <p>Arguments: the server's base URL, a working directory, the number of big images.
 */
final class SmallHeapEngine {

    private SmallHeapEngine() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        Path work = Path.of(args[1]);
        int bigImages = Integer.parseInt(args[2]);
        EngineConfig config = EngineConfig.builder()
                .ioConcurrency(16)
                .maxFetchesPerHost(16) // every body comes from one test server: let all 16 download at once
                .spillDirectory(work.resolve("spill"))
                .pollInterval(Duration.ofMillis(100))
                .build();
        System.out.println("HEAP max=" + Runtime.getRuntime().maxMemory() + " memoryBudget=" + config.memoryBudget());
        FetcherConfig fetching = FetcherConfig.defaults().withAddressPolicy(AddressPolicy.allowAll());
        try (HttpImageFetcher fetcher = new HttpImageFetcher(fetching);
                FileSystemObjectStore store = new FileSystemObjectStore(FileSystemStoreConfig.of(work.resolve("store")));
                ProcessingEngine engine = ProcessingEngine.builder().repository(new InMemoryProductRepository())
                        .objectStore(store).fetcher(fetcher).config(config).build()) {
            engine.start();
            long start = System.nanoTime();
            StringBuilder bigCsv = new StringBuilder("S. No.,Product Name,Input Image Urls\n");
            for (int i = 1; i <= bigImages; i++) {
                bigCsv.append(i).append(",Big ").append(i).append(',').append(base).append("/big/").append(i).append(".jpg\n");
            }
            String big = submit(engine, bigCsv.toString());
            String png = submit(engine, "S. No.,Product Name,Input Image Urls\n1,Huge," + base + "/huge.png\n");
            long pngFinished = -1;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            while (System.nanoTime() < deadline) {
                if (pngFinished < 0 && finished(engine, png)) {
                    pngFinished = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }
                if (pngFinished >= 0 && finished(engine, big)) {
                    break;
                }
                Thread.sleep(20);
            }
            long allFinished = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            for (String id : new String[] {big, png}) {
                for (ProductStatus product : engine.status(id).orElseThrow().products()) {
                    for (ImageStatus image : product.images()) {
                        System.out.println("IMAGE " + image.status().wireName() + " attempts=" + image.attempts() + " "
                                + image.url() + " error=" + image.error());
                    }
                }
            }
            System.out.println("PNG_FINISHED_MS " + pngFinished);
            System.out.println("ALL_FINISHED_MS " + allFinished);
        }
    }

    private static String submit(ProcessingEngine engine, String csv) throws Exception {
        return engine.submit(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), SubmitOptions.none());
    }

    private static boolean finished(ProcessingEngine engine, String id) {
        return engine.status(id).orElseThrow().finishedAt() != null;
    }
}
