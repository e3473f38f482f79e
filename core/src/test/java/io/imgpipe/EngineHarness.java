package io.imgpipe;

import io.imgpipe.fetch.AddressPolicy;
import io.imgpipe.fetch.FetcherConfig;
import io.imgpipe.fetch.HttpImageFetcher;
import io.imgpipe.local.FileSystemObjectStore;
import io.imgpipe.local.FileSystemStoreConfig;
import io.imgpipe.local.InMemoryProductRepository;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.testkit.TestHttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Wires engines for tests: a loopback image server, an in-memory repository, a file-system
 * store in a temporary directory, fast retries and short intervals, and a completion recorder.
 */
final class EngineHarness implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);

    final TestHttpServer server = TestHttpServer.start();
    final InMemoryProductRepository repository = new InMemoryProductRepository();
    final FileSystemObjectStore store;
    final List<CompletedRequest> completions = new CopyOnWriteArrayList<>();
    private final Map<String, Object> monitors = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    EngineHarness(Path dir) {
        store = new FileSystemObjectStore(new FileSystemStoreConfig(dir, URI.create("http://files.test/out/")));
    }

    static EngineConfig.Builder fastConfig() {
        return EngineConfig.builder()
                .ioConcurrency(8)
                .retryBaseDelay(Duration.ofMillis(20))
                .retryMaxDelay(Duration.ofMillis(200))
                .pollInterval(Duration.ofMillis(50))
                .housekeepingInterval(Duration.ofMillis(200))
                .leaseDuration(Duration.ofSeconds(5))
                .notificationLease(Duration.ofSeconds(2))
                .shutdownTimeout(Duration.ofSeconds(5));
    }

    static FetcherConfig loopbackFetcherConfig() {
        return FetcherConfig.defaults()
                .withAddressPolicy(AddressPolicy.allowAll())
                .withConnectTimeout(Duration.ofSeconds(2))
                .withTotalTimeout(Duration.ofSeconds(10));
    }

    /** An engine on this harness's repository and store, loopback allowed, started. */
    ProcessingEngine startEngine() {
        return startEngine(b -> b.fetcher(fetcher(loopbackFetcherConfig())));
    }

    /** An engine customised by {@code customizer} (which must set a fetcher if the default policy is not wanted), started. */
    ProcessingEngine startEngine(Consumer<ProcessingEngine.Builder> customizer) {
        ProcessingEngine engine = buildEngine(customizer);
        engine.start();
        return engine;
    }

    /** An engine on {@code on} (this harness's repository seen through a wrapper) and this harness's store, started. */
    ProcessingEngine startEngine(ProductRepository on, Consumer<ProcessingEngine.Builder> customizer) {
        ProcessingEngine engine = buildEngine(on, customizer);
        engine.start();
        return engine;
    }

    /** An engine on this harness's repository and store, not started. */
    ProcessingEngine buildEngine(Consumer<ProcessingEngine.Builder> customizer) {
        return buildEngine(repository, customizer);
    }

    ProcessingEngine buildEngine(ProductRepository on, Consumer<ProcessingEngine.Builder> customizer) {
        ProcessingEngine.Builder builder = ProcessingEngine.builder()
                .repository(on)
                .objectStore(store)
                .config(fastConfig().build())
                .onCompletion(this::record);
        customizer.accept(builder);
        ProcessingEngine engine = builder.build();
        closeables.add(engine);
        return engine;
    }

    /** A fetcher closed with the harness. */
    HttpImageFetcher fetcher(FetcherConfig config) {
        HttpImageFetcher fetcher = new HttpImageFetcher(config);
        closeables.add(fetcher);
        return fetcher;
    }

    private void record(CompletedRequest request) {
        completions.add(request);
        Object monitor = monitors.computeIfAbsent(request.requestId(), k -> new Object());
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /** Waits until {@code requestId} has been announced, and returns its final status. */
    RequestStatus awaitCompletion(ProcessingEngine engine, String requestId) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Object monitor = monitors.computeIfAbsent(requestId, k -> new Object());
        synchronized (monitor) {
            while (completions.stream().noneMatch(c -> c.requestId().equals(requestId))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("request " + requestId + " did not finish within " + WAIT + "; status: "
                            + engine.status(requestId));
                }
                monitor.wait(Math.max(1, left / 1_000_000));
            }
        }
        return engine.status(requestId).orElseThrow();
    }

    /** @return the one image of a one-product, one-image request */
    static ImageStatus onlyImage(RequestStatus status) {
        return status.products().get(0).images().get(0);
    }

    /**
     * Polls until the request has finished, for engines built without this harness's completion
     * recorder (with a repository of their own).
     */
    static RequestStatus awaitFinished(ProcessingEngine engine, String requestId) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            RequestStatus status = engine.status(requestId).orElseThrow();
            if (status.finishedAt() != null) {
                return status;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("request " + requestId + " did not finish within " + WAIT + "; status: "
                + engine.status(requestId));
    }

    /** A CSV with a header and one line per product: each entry is a list of image paths on the server. */
    String csv(List<List<String>> productImagePaths) {
        StringBuilder csv = new StringBuilder("S. No.,Product Name,Input Image Urls\r\n");
        for (int i = 0; i < productImagePaths.size(); i++) {
            String urls = productImagePaths.get(i).stream().map(p -> server.url(p).toString())
                    .collect(Collectors.joining(", "));
            csv.append(i + 1).append(",Product ").append(i + 1).append(",\"").append(urls).append("\"\r\n");
        }
        return csv.toString();
    }

    String submit(ProcessingEngine engine, String csv) {
        try {
            return engine.submit(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), SubmitOptions.none());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long completionsOf(String requestId) {
        return completions.stream().filter(c -> c.requestId().equals(requestId)).count();
    }

    @Override
    public void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        server.close();
    }
}
