package io.imgpipe.sample.host;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.imgpipe.ImageStatus;
import io.imgpipe.ProcessingEngine;
import io.imgpipe.ProductStatus;
import io.imgpipe.RequestStatus;
import io.imgpipe.Status;
import io.imgpipe.SubmitOptions;
import io.imgpipe.fetch.AddressPolicy;
import io.imgpipe.fetch.FetcherConfig;
import io.imgpipe.fetch.HttpImageFetcher;
import io.imgpipe.local.FileSystemObjectStore;
import io.imgpipe.local.FileSystemStoreConfig;
import io.imgpipe.mongo.MongoProductRepository;
import io.imgpipe.mongo.MongoRepositoryConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Submits a CSV of three image URLs to an engine on MongoDB, waits for it to finish and prints
 * the status of every image. Fails (an exception out of {@code main}) unless every image was
 * compressed.
 *
 * <p>Everything runs in this process and on loopback: the images come from {@link ImageServer},
 * MongoDB is mongo-java-server, and the output goes to a temporary directory.
 */
public final class HostApp {

    private HostApp() {
    }

    /**
     * Runs the sample.
     *
     * @param args ignored
     * @throws Exception if the sample cannot run
     */
    public static void main(String[] args) throws Exception {
        boolean allCompleted;
        try (ImageServer images = ImageServer.start()) {
            MongoServer mongo = new MongoServer(new MemoryBackend());
            mongo.bind("127.0.0.1", 0);
            try {
                String mongoUri = "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort();
                allCompleted = process(csv(images), mongoUri, Files.createTempDirectory("imgpipe-host-app"));
            } finally {
                mongo.shutdownNow();
            }
        }
        if (!allCompleted) {
            throw new IllegalStateException("host-app: not every image was compressed");
        }
    }

    private static String csv(ImageServer images) {
        return "S. No.,Product Name,Input Image Urls\n"
                + "1,Red Shoe,\"" + images.url("/shoe-front.jpg") + "," + images.url("/shoe-side.jpg") + "\"\n"
                + "2,Blue Hat," + images.url("/hat.jpg") + "\n";
    }

    private static boolean process(String csv, String mongoUri, Path outputDir) throws IOException, InterruptedException {
        CountDownLatch finished = new CountDownLatch(1);
        // The default address policy fetches from public addresses only (so that a CSV cannot make
        // the engine call internal services); the images here come from loopback, allowed explicitly.
        FetcherConfig fetcherConfig = FetcherConfig.defaults().withAddressPolicy(AddressPolicy.publicOnlyAnd("127.0.0.1/32"));
        // The engine closes nothing it was given: the fetcher, the repository and the store are closed here.
        try (HttpImageFetcher fetcher = new HttpImageFetcher(fetcherConfig);
             MongoProductRepository repository = MongoProductRepository.builder(MongoRepositoryConfig.forUri(mongoUri)).build();
             FileSystemObjectStore store = new FileSystemObjectStore(
                     new FileSystemStoreConfig(outputDir, URI.create("https://cdn.example.com/images/")));
             ProcessingEngine engine = ProcessingEngine.builder()
                     .repository(repository)
                     .objectStore(store)
                     .fetcher(fetcher)
                     .onCompletion(request -> finished.countDown())
                     .build()) {
            engine.start();
            String requestId = engine.submit(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
                    SubmitOptions.none());
            System.out.println("submitted request " + requestId);
            if (!finished.await(2, TimeUnit.MINUTES)) {
                System.err.println("host-app: the request did not finish within 2 minutes");
            }
            RequestStatus status = engine.status(requestId).orElseThrow();
            print(status);
            return status.status() == Status.COMPLETED
                    && status.products().stream().flatMap(p -> p.images().stream()).allMatch(i -> i.status() == Status.COMPLETED);
        }
    }

    private static void print(RequestStatus status) {
        System.out.println("request " + status.requestId() + ": " + status.status().wireName() + " " + status.progress());
        for (ProductStatus product : status.products()) {
            System.out.println("  " + product.serialNumber() + " " + product.productName() + ": " + product.status().wireName());
            for (ImageStatus image : product.images()) {
                System.out.println("    " + image.url() + " -> " + image.status().wireName()
                        + (image.outputUrl() != null ? " " + image.outputUrl() : "")
                        + (image.error() != null ? " (" + image.error() + ")" : ""));
            }
        }
    }
}
