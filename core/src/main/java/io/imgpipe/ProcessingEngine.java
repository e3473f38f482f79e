package io.imgpipe;

import io.imgpipe.internal.ComponentResolver;
import io.imgpipe.internal.EngineMetrics;
import io.imgpipe.internal.MicrometerEngineMetrics;
import io.imgpipe.internal.RequestPlanner;
import io.imgpipe.internal.StatusReader;
import io.imgpipe.spi.CsvIngestor;
import io.imgpipe.spi.ImageCompressor;
import io.imgpipe.spi.ImageFetcher;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.ObjectStore;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.ProductRow;
import io.imgpipe.spi.ProviderConfig;
import io.imgpipe.spi.RequestCursor;
import io.imgpipe.spi.RequestRecord;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pipeline: takes CSV uploads, and (once {@linkplain #start() started}) claims image
 * tasks from the repository and fetches, compresses and stores each image, recording the outcome.
 *
 * <pre>{@code
 * try (ProcessingEngine engine = ProcessingEngine.builder()
 *         .repository(new InMemoryProductRepository())
 *         .objectStore(new FileSystemObjectStore(new FileSystemStoreConfig(dir, baseUrl)))
 *         .onCompletion(done -> log.info("{} finished {}", done.requestId(), done.status()))
 *         .build()) {
 *     engine.start();
 *     String requestId = engine.submit(csvStream, SubmitOptions.none());
 *     engine.status(requestId).ifPresent(status -> ...);
 * }
 * }</pre>
 *
 * <p>Any number of engines, in any number of processes, may share one repository and one object
 * store: each image is processed by one of them, and a request finishes exactly once. An engine
 * that is never started only takes uploads and answers status (an API-only process).
 *
 * <p>Thread-safe. {@link #close()} stops claiming, waits up to
 * {@link EngineConfig#shutdownTimeout()} in all for tasks in flight and queued notifications
 * (leases stay renewed meanwhile), releases the tasks still in flight, and closes the components
 * the engine created (those resolved by name, discovery or default), never those passed to the
 * builder. Each engine identifies itself in leases as {@link EngineConfig#workerId()} plus a
 * short random suffix, so engines sharing one configuration stay distinct.
 */
public final class ProcessingEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProcessingEngine.class);

    private enum State { NEW, STARTED, CLOSED }

    private final EngineConfig config;
    private final Clock clock;
    private final EngineComponents components;
    private final CsvIngestor csvIngestor;
    private final ObjectStore objectStore;
    private final ProductRepository repository;
    private final List<CompletionListener> listeners;
    private final RequestPlanner planner;
    private final StatusReader statusReader;
    private final EngineMetrics metrics;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

    private final String workerId;
    private volatile EngineRuntime runtime;

    private ProcessingEngine(EngineConfig config, Clock clock, List<CompletionListener> listeners,
            EngineComponents components, EngineMetrics metrics) {
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
        this.listeners = List.copyOf(listeners);
        this.components = components;
        this.csvIngestor = components.csvIngestor;
        this.objectStore = components.objectStore;
        this.repository = components.repository;
        this.planner = new RequestPlanner(components.compressor.outputExtension());
        this.workerId = config.workerId() + "-" + UUID.randomUUID().toString().substring(0, 6);
        this.statusReader = new StatusReader(repository, objectStore);
    }

    /** {@return a new builder} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts claiming and processing tasks on this engine's threads. Call once.
     *
     * @throws IllegalStateException if already started or closed
     */
    public synchronized void start() {
        if (!state.compareAndSet(State.NEW, State.STARTED)) {
            throw new IllegalStateException("engine is " + state.get().name().toLowerCase(Locale.ROOT)
                    + "; start() may be called once");
        }
        runtime = EngineRuntime.start(config, clock, components, listeners, workerId, metrics);
    }

    /**
     * Stops claiming new tasks, at once; tasks in flight go on, and {@link #submit}, {@link #status}
     * and {@link #outputCsv} keep working. A server calls it when it starts shutting down, so that
     * no new work is taken while it drains its requests; {@link #close()} then waits for what is
     * in flight. Idempotent; does nothing if the engine was not started.
     */
    public void stopClaiming() {
        EngineRuntime running = runtime;
        if (running != null) {
            running.stopClaiming();
        }
    }

    /**
     * Validates a CSV and stores it as a new request. All-or-nothing: an invalid CSV stores
     * nothing. When this returns, the request is durably stored and will be processed by any
     * started engine sharing the repository.
     *
     * @param csv the uploaded CSV; read to the end, not closed
     * @param options per-request options
     * @return the new request's id
     * @throws CsvValidationException listing every problem in the CSV
     * @throws RepositoryException if the request could not be stored
     * @throws IOException if reading the stream fails
     * @throws IllegalStateException if the engine is closed
     */
    public String submit(InputStream csv, SubmitOptions options) throws IOException {
        Objects.requireNonNull(csv, "csv");
        Objects.requireNonNull(options, "options");
        requireOpen();
        List<ProductRow> rows = csvIngestor.read(csv);
        String requestId = RequestPlanner.newRequestId();
        NewRequest request = planner.plan(requestId, rows, options, clock.instant());
        repository.create(request);
        log.info("request {} stored: {} products, {} images, {} distinct URLs", requestId, request.products().size(),
                request.imageCount(), request.tasks().size());
        EngineRuntime running = runtime;
        if (running != null) {
            running.signalNewWork();
        }
        return requestId;
    }

    /**
     * Submits a CSV with no options.
     *
     * @param csv the uploaded CSV
     * @return the new request's id
     * @throws IOException if reading the stream fails
     * @see #submit(InputStream, SubmitOptions)
     */
    public String submit(InputStream csv) throws IOException {
        return submit(csv, SubmitOptions.none());
    }

    /**
     * Reads a request's status.
     *
     * @param requestId any string; an unknown or malformed id is simply not found
     * @return the request's status with its products ordered by serial number, or empty
     * @throws RepositoryException if the repository failed
     */
    public Optional<RequestStatus> status(String requestId) {
        return statusReader.status(requestId);
    }

    /**
     * Streams a request's status to {@code visitor} without holding it in memory: the request
     * first, then its products ordered by serial number, one at a time, as
     * {@link ProductRepository#forEachProductBySerialNumber} reads them. The products are read on
     * another thread (one of a few the engine keeps for this) a couple of thousand ahead of the
     * visitor, so reading the repository and what the visitor does with each product overlap; when
     * all those threads are busy, they are read on the calling thread. The request's progress is
     * read first and the products after it, so a request still being processed may show products
     * further along than its progress says.
     *
     * <pre>{@code
     * boolean found = engine.streamStatus(id, new StatusVisitor() {
     *     public void request(RequestSummary request) { ... }
     *     public void product(ProductStatus product) { ... }
     * });
     * }</pre>
     *
     * @param requestId any string; an unknown or malformed id is simply not found
     * @param visitor receives the request and then each product, on the calling thread
     * @return {@code false}, without calling the visitor, if there is no such request
     * @throws IOException what the visitor threw (streaming stops there)
     * @throws RepositoryException if the repository failed, before or after the visitor was called
     */
    public boolean streamStatus(String requestId, StatusVisitor visitor) throws IOException {
        Objects.requireNonNull(visitor, "visitor");
        return statusReader.stream(requestId, visitor);
    }

    /**
     * Lists requests newest first, a page at a time, without their products: by creation time,
     * then by id (both descending). Each page is one indexed read of the repository
     * ({@link ProductRepository#listRequests}), whatever the size of the requests.
     *
     * <pre>{@code
     * List<RequestSummary> page = engine.listRequests(20, null);
     * while (!page.isEmpty()) {
     *     ...
     *     page = engine.listRequests(20, page.get(page.size() - 1).cursor());
     * }
     * }</pre>
     *
     * @param limit the most requests to return; at least 1
     * @param before {@code null} for the newest requests, else the {@link RequestSummary#cursor()} of
     *     the last request of the previous page (it stays valid if that request is deleted)
     * @return up to {@code limit} requests, newest first; fewer, or none, at the end of the list
     * @throws IllegalArgumentException if {@code limit} is below 1
     * @throws RepositoryException if the repository failed
     */
    public List<RequestSummary> listRequests(int limit, RequestCursor before) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        return repository.listRequests(limit, before).stream().map(StatusReader::summary).toList();
    }

    /**
     * Writes the output CSV: {@code S. No.}, {@code Product Name}, {@code Input Image Urls} and
     * {@code Output Image Urls}, one line per product in input order. The output URLs are
     * comma-separated in the order of the input URLs; an image without output yet (or failed)
     * leaves its place empty.
     *
     * @param requestId any string
     * @param out where to write; flushed, not closed
     * @return {@code false}, with nothing written, if the request is unknown
     * @throws IOException if writing fails
     */
    public boolean outputCsv(String requestId, Writer out) throws IOException {
        return statusReader.writeOutputCsv(requestId, out);
    }

    /**
     * Deletes a finished request: first every output image it may have stored from the object
     * store (completed ones, and any a failed attempt left behind), then the request, its products
     * and images from the repository. If deleting an output fails, nothing is deleted from the
     * repository, and calling again finishes the job (deleting a missing object is not an error).
     *
     * @param requestId any string
     * @return {@code true} if the request was deleted, {@code false} if there is no such request
     * @throws RequestNotFinishedException if the request is not finished (workers may still write
     *     its outputs)
     * @throws IllegalStateException if the engine is closed
     * @throws ObjectStoreException if an output could not be deleted
     * @throws RepositoryException if the repository failed
     */
    public boolean delete(String requestId) {
        Objects.requireNonNull(requestId, "requestId");
        requireOpen();
        Optional<RequestRecord> request = repository.findRequest(requestId);
        if (request.isEmpty()) {
            return false;
        }
        if (request.get().finishedAt() == null) {
            throw new RequestNotFinishedException(requestId, "request " + requestId + " is not finished ("
                    + request.get().progress() + "); only a finished request can be deleted");
        }
        Set<String> keys = new LinkedHashSet<>();
        String ownPrefix = requestId + "/";
        repository.forEachProduct(requestId, product -> product.images().forEach(image -> {
            keys.add(planner.outputKey(requestId, image.taskId()));
            if (image.outputKey() != null && image.outputKey().startsWith(ownPrefix)) {
                keys.add(image.outputKey());
            }
        }));
        for (String key : keys) {
            objectStore.delete(key);
        }
        boolean deleted = repository.deleteRequest(requestId);
        if (deleted) {
            log.info("request {} deleted with {} output objects", requestId, keys.size());
        }
        return deleted;
    }

    /** {@return whether the repository and the object store answer} */
    public Health health() {
        String repositoryError = null;
        String objectStoreError = null;
        try {
            repository.ping();
        } catch (RuntimeException e) {
            repositoryError = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        try {
            objectStore.ping();
        } catch (RuntimeException e) {
            objectStoreError = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        return new Health(repositoryError == null, repositoryError, objectStoreError == null, objectStoreError);
    }

    /** {@return the settings this engine runs with} */
    public EngineConfig config() {
        return config;
    }

    /**
     * Stops gracefully: stops claiming, gives the claimed tasks still waiting for their host (see
     * {@link EngineConfig#maxFetchesPerHost()}) back at once, waits for the tasks in flight and then for queued
     * completion notifications, up to {@link EngineConfig#shutdownTimeout()} in all (a little
     * more while threads answer interrupts), gives the tasks still in flight back to the
     * repository unprocessed, and closes the components the engine created. Idempotent.
     *
     * <p>A completion listener may call it: it then does not wait for the listener's own thread,
     * notifications still queued are left for other engines, and the components the engine created
     * are closed once the current notification has been recorded. If another thread is closing the
     * engine already, a listener's call returns at once.
     */
    @Override
    public void close() {
        EngineRuntime running = runtime;
        if (running != null && state.get() == State.CLOSED && running.onDeliveryThread()) {
            return; // another thread is closing and waits for this delivery: waiting for it here would stall both
        }
        closeOnce();
    }

    private synchronized void closeOnce() {
        State previous = state.getAndSet(State.CLOSED);
        if (previous == State.CLOSED) {
            return;
        }
        statusReader.close();
        if (previous == State.STARTED) {
            EngineRuntime running = runtime;
            running.stop();
            if (running.onDeliveryThread()) {
                running.runAfterCurrentDelivery(this::closeOwned);
                return;
            }
        }
        closeOwned();
    }

    private void closeOwned() {
        metrics.close();
        components.closeOwned();
    }

    private void requireOpen() {
        if (state.get() == State.CLOSED) {
            throw new IllegalStateException("engine is closed");
        }
    }

    /**
     * Builds a {@link ProcessingEngine}. Each slot is resolved in this order: an instance given
     * here; a provider name given here; {@link java.util.ServiceLoader} discovery if
     * {@link #discover()} was called (several candidates for one slot is an error that lists
     * them); and, for the CSV ingestor, fetcher and compressor only, the core default. The
     * repository and the object store have no default. Setting a slot twice is an
     * {@link IllegalStateException}. Not thread-safe.
     */
    public static final class Builder {
        private EngineConfig config = EngineConfig.defaults();
        private Clock clock = Clock.systemUTC();
        private final Map<String, String> properties = new LinkedHashMap<>();
        private boolean discover;
        private ClassLoader classLoader;
        private final List<CompletionListener> listeners = new ArrayList<>();
        private MeterRegistry meterRegistry;
        private final ComponentSlot<CsvIngestor> csvIngestor = new ComponentSlot<>("csvIngestor");
        private final ComponentSlot<ImageFetcher> fetcher = new ComponentSlot<>("fetcher");
        private final ComponentSlot<ImageCompressor> compressor = new ComponentSlot<>("compressor");
        private final ComponentSlot<ObjectStore> objectStore = new ComponentSlot<>("objectStore");
        private final ComponentSlot<ProductRepository> repository = new ComponentSlot<>("repository");

        private Builder() {
        }

        /**
         * Sets the engine's settings.
         *
         * @param value the engine's settings
         * @return this builder
         */
        public Builder config(EngineConfig value) {
            config = Objects.requireNonNull(value, "config");
            return this;
        }

        /**
         * Sets the clock for leases and timestamps (tests).
         *
         * @param value the clock for leases and timestamps (tests)
         * @return this builder
         */
        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Sets the repository.
         *
         * @param value the repository; not closed by the engine
         * @return this builder
         */
        public Builder repository(ProductRepository value) {
            repository.set(value);
            return this;
        }

        /**
         * Chooses the repository by the name of its {@code ProductRepositoryProvider}.
         *
         * @param providerName a {@code ProductRepositoryProvider} name, e.g. {@code mongo}
         * @return this builder
         */
        public Builder repository(String providerName) {
            repository.setName(providerName);
            return this;
        }

        /**
         * Sets the object store.
         *
         * @param value the object store; not closed by the engine
         * @return this builder
         */
        public Builder objectStore(ObjectStore value) {
            objectStore.set(value);
            return this;
        }

        /**
         * Chooses the object store by the name of its {@code ObjectStoreProvider}.
         *
         * @param providerName an {@code ObjectStoreProvider} name, e.g. {@code s3}
         * @return this builder
         */
        public Builder objectStore(String providerName) {
            objectStore.setName(providerName);
            return this;
        }

        /**
         * Sets the fetcher.
         *
         * @param value the fetcher; not closed by the engine
         * @return this builder
         */
        public Builder fetcher(ImageFetcher value) {
            fetcher.set(value);
            return this;
        }

        /**
         * Chooses the fetcher by the name of its {@code ImageFetcherProvider}.
         *
         * @param providerName an {@code ImageFetcherProvider} name
         * @return this builder
         */
        public Builder fetcher(String providerName) {
            fetcher.setName(providerName);
            return this;
        }

        /**
         * Sets the compressor.
         *
         * @param value the compressor
         * @return this builder
         */
        public Builder compressor(ImageCompressor value) {
            compressor.set(value);
            return this;
        }

        /**
         * Chooses the compressor by the name of its {@code ImageCompressorProvider}.
         *
         * @param providerName an {@code ImageCompressorProvider} name
         * @return this builder
         */
        public Builder compressor(String providerName) {
            compressor.setName(providerName);
            return this;
        }

        /**
         * Sets the CSV ingestor.
         *
         * @param value the CSV ingestor
         * @return this builder
         */
        public Builder csvIngestor(CsvIngestor value) {
            csvIngestor.set(value);
            return this;
        }

        /**
         * Chooses the CSV ingestor by the name of its {@code CsvIngestorProvider}.
         *
         * @param providerName a {@code CsvIngestorProvider} name
         * @return this builder
         */
        public Builder csvIngestor(String providerName) {
            csvIngestor.setName(providerName);
            return this;
        }

        /**
         * Adds properties handed to providers of slots chosen by name or discovery.
         *
         * @param values for example {@code imgpipe.s3.bucket}
         * @return this builder
         */
        public Builder properties(Map<String, String> values) {
            properties.putAll(values);
            return this;
        }

        /** Fills slots left unset by {@link java.util.ServiceLoader} discovery. @return this builder */
        public Builder discover() {
            discover = true;
            return this;
        }

        /**
         * Sets where providers are looked up.
         *
         * @param value where providers are looked up; default the thread's context class loader
         * @return this builder
         */
        public Builder classLoader(ClassLoader value) {
            classLoader = Objects.requireNonNull(value, "classLoader");
            return this;
        }

        /**
         * Adds a listener called when a request finishes.
         *
         * @param listener called when a request finishes
         * @return this builder
         */
        public Builder onCompletion(CompletionListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Publishes the engine's meters ({@code imgpipe.*}: images finished, bytes, stage timers,
         * gauges, leases, requests, listener calls; see {@code docs/metrics.md}) to
         * {@code registry}. Micrometer is an optional dependency: an engine built without a
         * registry never loads a Micrometer class, so {@code micrometer-core} may be left off the
         * class path. The registry is not closed by the engine; the engine's gauges are removed
         * from it when the engine closes.
         *
         * @param registry where the meters go
         * @return this builder
         * @throws IllegalStateException if a registry was set already
         */
        public Builder meterRegistry(MeterRegistry registry) {
            Objects.requireNonNull(registry, "meterRegistry");
            if (meterRegistry != null) {
                throw new IllegalStateException("meterRegistry is already set");
            }
            meterRegistry = registry;
            return this;
        }

        /**
         * Builds the engine, resolving every slot not set explicitly.
         *
         * @return a new engine, not yet started
         * @throws ConfigurationException if a slot cannot be resolved
         */
        public ProcessingEngine build() {
            ClassLoader loader = classLoader != null ? classLoader
                    : Objects.requireNonNullElse(Thread.currentThread().getContextClassLoader(),
                            ProcessingEngine.class.getClassLoader());
            ComponentResolver resolver = new ComponentResolver(loader, new ProviderConfig(properties), discover);
            EngineComponents components = EngineComponents.resolve(resolver, repository, objectStore, csvIngestor,
                    fetcher, compressor);
            EngineMetrics metrics;
            try {
                metrics = meterRegistry == null ? EngineMetrics.NONE
                        : MicrometerEngineMetrics.create(meterRegistry, components.repository);
            } catch (RuntimeException e) {
                components.closeOwned();
                throw e;
            }
            return new ProcessingEngine(config, clock, listeners, components, metrics);
        }
    }
}
