package io.imgpipe.sample.modules;

import io.imgpipe.ProcessingEngine;
import io.imgpipe.RequestStatus;
import io.imgpipe.Status;
import io.imgpipe.SubmitOptions;
import io.imgpipe.fetch.AddressPolicy;
import io.imgpipe.fetch.FetcherConfig;
import io.imgpipe.fetch.HttpImageFetcher;
import io.imgpipe.local.FileSystemObjectStore;
import io.imgpipe.local.FileSystemStoreConfig;
import io.imgpipe.local.InMemoryProductRepository;
import io.imgpipe.spi.ComponentProvider;
import io.imgpipe.spi.ObjectStoreProvider;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.ProductRepositoryProvider;
import io.imgpipe.sql.SqlProductRepository;
import io.imgpipe.sql.SqlRepositoryConfig;
import java.io.ByteArrayInputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Checks the imgpipe modules on the module path: each resolves, exports its API and not
 * {@code io.imgpipe.internal}, the ServiceLoader finds every store's provider through the
 * modules' {@code provides} clauses, and core processes an image (so its ImageIO plugins and
 * HTTP client resolve too), on the
 * in-memory repository and on SQLite (so Flyway finds store-sql's migrations). Fails (an exception out of {@code main}) at the first problem.
 */
public final class ModuleCheck {

    private ModuleCheck() {
    }

    /**
     * Runs the checks.
     *
     * @param args ignored
     * @throws Exception if a check fails
     */
    public static void main(String[] args) throws Exception {
        List<String> problems = new ArrayList<>();
        expectExports("io.imgpipe.core", Set.of("io.imgpipe", "io.imgpipe.spi", "io.imgpipe.csv", "io.imgpipe.fetch",
                "io.imgpipe.image", "io.imgpipe.local"), problems);
        expectExports("io.imgpipe.mongo", Set.of("io.imgpipe.mongo"), problems);
        expectExports("io.imgpipe.sql", Set.of("io.imgpipe.sql"), problems);
        expectExports("io.imgpipe.s3", Set.of("io.imgpipe.s3"), problems);
        expectProviders(ProductRepositoryProvider.class, Set.of("memory", "mongo", "sql"), problems);
        expectProviders(ObjectStoreProvider.class, Set.of("filesystem", "s3"), problems);
        processOneImage(new InMemoryProductRepository(), problems);
        processOneImage(SqlProductRepository.builder(SqlRepositoryConfig.forSqliteFile(
                Files.createTempDirectory("imgpipe-module-check").resolve("imgpipe.db"))).build(), problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("module check failed:\n  " + String.join("\n  ", problems));
        }
        System.out.println("module check passed: " + ModuleCheck.class.getModule().getLayer().modules().size()
                + " modules resolved");
    }

    private static void expectExports(String moduleName, Set<String> expected, List<String> problems) {
        ModuleDescriptor descriptor = ModuleLayer.boot().findModule(moduleName)
                .orElseThrow(() -> new IllegalStateException(moduleName + " is not resolved")).getDescriptor();
        Set<String> exported = new TreeSet<>();
        descriptor.exports().forEach(e -> exported.add(e.source()));
        System.out.println(moduleName + " exports " + exported);
        if (!exported.equals(expected)) {
            problems.add(moduleName + " exports " + exported + ", expected " + new TreeSet<>(expected));
        }
    }

    private static <P extends ComponentProvider<?>> void expectProviders(Class<P> type, Set<String> expected,
            List<String> problems) {
        Set<String> found = new TreeSet<>();
        ServiceLoader.load(type).forEach(provider -> found.add(provider.name()));
        System.out.println(type.getSimpleName() + ": " + found);
        if (!found.containsAll(expected)) {
            problems.add(type.getSimpleName() + " providers " + found + ", expected at least " + new TreeSet<>(expected));
        }
    }

    /** Processes one image with core's components on the given repository, which it closes. */
    private static void processOneImage(ProductRepository repository, List<String> problems) throws Exception {
        CountDownLatch finished = new CountDownLatch(1);
        try (ImageServer images = ImageServer.start();
             HttpImageFetcher fetcher = new HttpImageFetcher(
                     FetcherConfig.defaults().withAddressPolicy(AddressPolicy.publicOnlyAnd("127.0.0.1/32")));
             ProductRepository closedAfterwards = repository;
             FileSystemObjectStore store = new FileSystemObjectStore(new FileSystemStoreConfig(
                     Files.createTempDirectory("imgpipe-module-check"), URI.create("https://cdn.example.com/")));
             ProcessingEngine engine = ProcessingEngine.builder().repository(repository).objectStore(store)
                     .fetcher(fetcher).onCompletion(request -> finished.countDown()).build()) {
            engine.start();
            String csv = "S. No.,Product Name,Input Image Urls\n1,Lamp," + images.url("/lamp.jpg") + "\n";
            String requestId = engine.submit(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
                    SubmitOptions.none());
            finished.await(2, TimeUnit.MINUTES);
            RequestStatus status = engine.status(requestId).orElseThrow();
            System.out.println(repository.getClass().getSimpleName() + ": request " + status.status().wireName() + " "
                    + status.progress());
            if (status.status() != Status.COMPLETED) {
                problems.add("the request ended " + status.status().wireName() + ": " + status.products());
            }
        }
    }
}
