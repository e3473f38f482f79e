package io.imgpipe.server;

import io.imgpipe.EngineConfig;
import io.imgpipe.Health;
import io.imgpipe.ProcessingEngine;
import io.imgpipe.csv.CommonsCsvIngestor;
import io.imgpipe.csv.CsvLimits;
import io.imgpipe.fetch.AddressPolicy;
import io.imgpipe.fetch.FetcherConfig;
import io.imgpipe.fetch.HttpImageFetcher;
import io.imgpipe.image.CompressorConfig;
import io.imgpipe.image.ThumbnailatorCompressor;
import io.imgpipe.server.ApiResponses.HealthBody;
import io.imgpipe.server.ServerConfig.HostLimits;
import io.imgpipe.server.ServerConfig.MemorySettings;
import io.imgpipe.server.ServerConfig.Tuning;
import io.imgpipe.server.ServerConfig.WebhookSettings;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example server: the original system's REST API on Javalin, over a {@link ProcessingEngine}
 * whose repository and object store come from {@link Stores}.
 *
 * <pre>{@code
 * Server server = new Server();
 * int port = server.start(ServerConfig.fromEnvironment(System.getenv()));
 * ...
 * server.stop();
 * }</pre>
 *
 * <p>{@link #start} binds the port first, so that the public base URL can name the port actually
 * bound, then opens the stores. Requests that arrive meanwhile wait until the stores are open
 * (at most {@link #READY_WAIT}), so no request is refused because the server is starting:
 * {@code GET /}, {@code /health} and the API answer alike as soon as it is ready; only a start that
 * takes longer than that, or fails, is answered {@code 503} (by all three). {@link #stop()} is
 * graceful: the engine stops claiming at once, HTTP stops taking requests and lets those in
 * progress finish, the engine closes (finishing or handing back work in flight, and sending
 * queued webhooks), then the stores close (releasing the embedded store's data directory).
 * Thread-safe; one start per instance.
 */
public final class Server {

    private static final Logger log = LoggerFactory.getLogger(Server.class);
    private static final Duration HTTP_STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MIN_NOTIFICATION_LEASE = Duration.ofMinutes(2);
    private static final String OPENAPI = "openapi.json";
    /** The longest a request that arrives during start-up waits for the stores to be open. */
    static final Duration READY_WAIT = Duration.ofSeconds(60);
    private static final String RETRY_AFTER_SECONDS = "5";

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final CompletableFuture<Services> ready = new CompletableFuture<>();
    private volatile Services services;
    private Javalin app;
    private URI publicBaseUrl;
    private UploadSpool spool;
    private ServerMetrics metrics;
    private boolean started;

    /**
     * Starts the server: binds the port, opens the stores, builds the engine and, unless
     * {@code ROLE=api}, starts its workers.
     *
     * @param config the configuration
     * @return the port bound
     * @throws io.imgpipe.ImgPipeException if the stores cannot be opened
     * @throws RuntimeException if the port cannot be bound
     * @throws IllegalStateException if this server was started before
     */
    public synchronized int start(ServerConfig config) {
        if (started) {
            throw new IllegalStateException("a Server starts once; create another");
        }
        started = true;
        try {
            spool = UploadSpool.open(config.dataDir());
            metrics = new ServerMetrics();
            resources.push(metrics);
            app = Javalin.create(javalin -> configure(javalin, config));
            app.start(config.host(), config.port());
            metrics.bindJetty(app.jettyServer().server());
            int port = app.port();
            publicBaseUrl = config.publicBaseUrl() != null ? config.publicBaseUrl() : defaultBaseUrl(config.host(), port);
            log.info("port {} bound; opening the {} store (requests wait until it is open)", port, config.storeName());
            services = openServices(config, spool.dir());
            ready.complete(services);
            log.info("imgpipe example-server listening on {}:{} (role {}, {} store, {} images, public URL {})", config.host(),
                    port, config.role().settingValue(), config.storeName(),
                    config.s3() == null ? "local" : "S3", publicBaseUrl);
            if (config.role().servesApi()) {
                log.info("console at {}{}/, API described at {}/openapi.json", publicBaseUrl, Console.PATH, publicBaseUrl);
            }
            log.info("metrics at {}{} (Prometheus text format)", publicBaseUrl, ServerMetrics.PATH);
            return port;
        } catch (RuntimeException e) {
            ready.completeExceptionally(e);
            stop();
            throw e;
        }
    }

    /** @return the port bound */
    public synchronized int port() {
        if (app == null) {
            throw new IllegalStateException("not started");
        }
        return app.port();
    }

    /** @return how clients reach this server */
    public synchronized URI publicBaseUrl() {
        return publicBaseUrl;
    }

    /**
     * Stops gracefully: the engine stops claiming new tasks at once; then HTTP stops (waiting for
     * requests in progress), then the engine closes (waiting for tasks in flight), then the stores.
     * Idempotent; safe from a shutdown hook.
     */
    public synchronized void stop() {
        Services current = services;
        if (current != null) {
            current.engine.stopClaiming();
        }
        if (app != null) {
            try {
                app.stop();
            } catch (RuntimeException e) {
                log.warn("stopping HTTP failed", e);
            }
            app = null;
        }
        services = null;
        while (!resources.isEmpty()) {
            AutoCloseable next = resources.pop();
            try {
                next.close();
            } catch (Exception e) {
                log.warn("closing {} failed", next, e);
            }
        }
        if (spool != null) {
            spool.close();
            spool = null;
        }
    }

    private void configure(JavalinConfig javalin, ServerConfig config) {
        javalin.startup.showJavalinBanner = false;
        javalin.startup.showOldJavalinVersionWarning = false;
        javalin.jsonMapper(new JavalinJackson(Json.MAPPER, false));
        javalin.jetty.modifyHttpConfiguration(http -> http.setIdleTimeout(config.http().idleTimeout().toMillis()));
        javalin.jetty.modifyServer(jetty -> {
            jetty.setStopTimeout(HTTP_STOP_TIMEOUT.toMillis());
            jetty.setHandler(new GracefulHandler(metrics.timed(jetty.getHandler())));
        });
        javalin.requestLogger.http(Server::logRequest);
        javalin.routes.exception(Exception.class, (e, ctx) -> {
            log.error("{} {} failed", ctx.method(), ctx.path(), e);
            ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).json(ApiResponses.ErrorBody.of("Internal server error"));
        });
        javalin.routes.get("/", this::live);
        javalin.routes.get("/health", this::health);
        javalin.routes.get(ServerMetrics.PATH, metrics::serve);
        if (config.role().servesApi()) {
            javalin.routes.post("/product/upload", ctx -> whenReady(ctx, s -> s.products.upload(ctx)));
            javalin.routes.get("/product/status/{requestId}", ctx -> whenReady(ctx, s -> s.products.status(ctx)));
            javalin.routes.get("/product/status/{requestId}/csv", ctx -> whenReady(ctx, s -> s.products.outputCsv(ctx)));
            javalin.routes.delete("/product/status/{requestId}", ctx -> whenReady(ctx, s -> s.products.delete(ctx)));
            if (config.s3() == null) {
                javalin.routes.get("/" + Stores.FILES_PATH + "/<key>", ctx -> whenReady(ctx, s -> s.files.serve(ctx)));
            }
            javalin.routes.get("/product/requests",
                    ctx -> whenReady(ctx, s -> new RequestListing(s.engine).list(ctx)));
            Console console = new Console();
            javalin.routes.get(Console.PATH, console::index);
            javalin.routes.get(Console.PATH + "/{asset}", console::asset);
            BundledFiles openApi = BundledFiles.load("io/imgpipe/server/", Map.of(OPENAPI, "application/json"), Map.of());
            javalin.routes.get("/" + OPENAPI, ctx -> openApi.serve(ctx, OPENAPI));
        }
    }

    /** @return the routes served, as {@code METHOD /path} (for the test of the OpenAPI document) */
    synchronized List<String> routes() {
        if (app == null) {
            throw new IllegalStateException("not started");
        }
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(handler -> handler.endpoint.method + " " + handler.endpoint.path)
                .toList();
    }

    private void live(Context ctx) {
        if (awaitReady() == null) {
            ctx.header("Retry-After", RETRY_AFTER_SECONDS).status(HttpStatus.SERVICE_UNAVAILABLE).result(notReady());
            return;
        }
        ctx.result("Server is Live!!!");
    }

    private void health(Context ctx) {
        Services current = awaitReady();
        if (current == null) {
            ctx.header("Retry-After", RETRY_AFTER_SECONDS).status(HttpStatus.SERVICE_UNAVAILABLE).json(HealthBody.starting());
            return;
        }
        Health health = current.engine.health();
        if (!health.isUp()) {
            log.warn("health check: repository {}{}, object store {}{}", health.repositoryUp() ? "up" : "down",
                    health.repositoryUp() ? "" : " (" + health.repositoryError() + ")",
                    health.objectStoreUp() ? "up" : "down",
                    health.objectStoreUp() ? "" : " (" + health.objectStoreError() + ")");
        }
        HealthBody body = HealthBody.of(health);
        ctx.status(body.status().equals("up") ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(body);
    }

    private void whenReady(Context ctx, ServicesHandler handler) throws Exception {
        Services current = awaitReady();
        if (current == null) {
            ctx.header("Retry-After", RETRY_AFTER_SECONDS).status(HttpStatus.SERVICE_UNAVAILABLE)
                    .json(ApiResponses.ErrorBody.of(notReady()));
            return;
        }
        handler.handle(current);
    }

    /**
     * @return the services once the stores are open, waiting for them at most {@link #READY_WAIT};
     *     {@code null} if they are not open by then, or the start failed
     */
    private Services awaitReady() {
        try {
            return ready.get(READY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | CancellationException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private String notReady() {
        return ready.isCompletedExceptionally() ? "Server failed to start" : "Server is starting";
    }

    private Services openServices(ServerConfig config, Path uploadDir) {
        if (config.role() != Role.ALL && config.s3() == null) {
            log.warn("ROLE={} without S3_BUCKET_NAME: images are stored under {}; the api process serves them only if"
                    + " every process shares that DATA_DIR", config.role().settingValue(), config.dataDir().toAbsolutePath());
        }
        Stores stores = Stores.open(config, publicBaseUrl);
        resources.push(stores);
        Tuning tuning = config.tuning();
        AddressPolicy policy = addressPolicy(config.fetchAllowPrivateNetworks());
        HttpImageFetcher fetcher = new HttpImageFetcher(FetcherConfig.defaults()
                .withMaxBytes(tuning.maxImageBytes())
                .withAddressPolicy(policy));
        resources.push(fetcher);
        WebhookSettings webhook = config.webhook();
        WebhookClient webhookClient = new WebhookClient(policy, webhook.timeout());
        resources.push(webhookClient);
        ProcessingEngine engine = ProcessingEngine.builder()
                .config(engineConfig(config))
                .repository(stores.repository())
                .objectStore(stores.objectStore())
                .fetcher(fetcher)
                .compressor(new ThumbnailatorCompressor(CompressorConfig.defaults()
                        .withQuality(tuning.jpegQuality() / 100f)
                        .withMaxPixels(tuning.maxPixels())
                        .withTranscodeJpegs(tuning.transcodeJpegs())))
                .csvIngestor(new CommonsCsvIngestor(CsvLimits.defaults()
                        .withMaxBytes(tuning.maxUploadBytes())
                        .withMaxRows(tuning.maxRows())))
                .onCompletion(new WebhookNotifier(webhook, webhookClient, publicBaseUrl, Clock.systemUTC(),
                        new WebhookMetrics(metrics.registry())))
                .meterRegistry(metrics.registry())
                .build();
        resources.push(engine);
        if (config.role().runsWorkers()) {
            engine.start();
        }
        ProductApi products = new ProductApi(engine, new UploadLimits(uploadDir, tuning.maxUploadBytes(),
                config.http().uploadTimeout(), config.http().maxConcurrentUploads()), new WebhookUrlCheck(webhookClient));
        FileServing files = stores.localFiles().map(FileServing::new).orElse(null);
        return new Services(engine, products, files);
    }

    /**
     * The engine settings for the server's configuration; the notification lease outlasts a whole
     * webhook delivery, retries included, so no other engine sends it again meanwhile.
     */
    static EngineConfig engineConfig(ServerConfig config) {
        Tuning tuning = config.tuning();
        WebhookSettings webhook = config.webhook();
        HostLimits hosts = config.hostLimits();
        MemorySettings memory = config.memory();
        Duration lease = tuning.lease();
        Duration housekeeping = lease.dividedBy(3).compareTo(Duration.ofSeconds(10)) < 0
                ? lease.dividedBy(3) : Duration.ofSeconds(10);
        Duration deliveryWithMargin = webhook.maxDeliveryTime().plusSeconds(30);
        EngineConfig.Builder builder = EngineConfig.builder()
                .ioConcurrency(tuning.ioWorkers())
                .cpuConcurrency(tuning.cpuWorkers())
                .leaseDuration(lease)
                .housekeepingInterval(housekeeping)
                .maxAttempts(tuning.maxAttempts())
                .maxAbandoned(tuning.maxAbandoned())
                .maxFetchesPerHost(hosts.maxFetchesPerHost())
                .hostFailuresBeforeBackoff(hosts.failuresBeforeBackoff())
                .hostBackoff(hosts.backoff())
                .spillDirectory(memory.spillDir())
                .notificationLease(deliveryWithMargin.compareTo(MIN_NOTIFICATION_LEASE) > 0
                        ? deliveryWithMargin : MIN_NOTIFICATION_LEASE)
                .shutdownTimeout(tuning.shutdownTimeout());
        if (memory.budgetBytes() > 0) {
            builder.memoryBudget(memory.budgetBytes());
        }
        return builder.build();
    }

    /**
     * @param allowPrivateNetworks {@code FETCH_ALLOW_PRIVATE_NETWORKS}
     * @return public addresses only; or, when allowed, also loopback, RFC 1918, CGNAT and IPv6
     *     unique-local ranges. Link-local addresses (cloud metadata at 169.254.169.254) stay refused.
     */
    static AddressPolicy addressPolicy(boolean allowPrivateNetworks) {
        if (!allowPrivateNetworks) {
            return AddressPolicy.publicOnly();
        }
        return AddressPolicy.publicOnlyAnd("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                "100.64.0.0/10", "::1/128", "fc00::/7");
    }

    private static URI defaultBaseUrl(String host, int port) {
        String name = "localhost";
        try {
            InetAddress address = InetAddress.getByName(host);
            if (!address.isAnyLocalAddress()) {
                name = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
            }
        } catch (UnknownHostException e) {
            name = host;
        }
        return URI.create("http://" + name + ":" + port);
    }

    private static void logRequest(Context ctx, Float millis) {
        log.info("{} {} {} {} ms", ctx.method(), ctx.path(), ctx.status().getCode(), Math.round(millis));
    }

    @FunctionalInterface
    private interface ServicesHandler {
        void handle(Services services) throws Exception;
    }

    private record Services(ProcessingEngine engine, ProductApi products, FileServing files) {
    }
}
