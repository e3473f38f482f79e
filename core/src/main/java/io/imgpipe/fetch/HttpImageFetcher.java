package io.imgpipe.fetch;

import static io.imgpipe.fetch.FetchFailures.failure;

import io.imgpipe.FetchException;
import io.imgpipe.FetchException.Reason;
import io.imgpipe.ImgPipeException;
import io.imgpipe.fetch.RedirectFollower.Hop;
import io.imgpipe.spi.BodyBudget;
import io.imgpipe.spi.FetchedImage;
import io.imgpipe.spi.ImageFetcher;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link ImageFetcher}: downloads images over HTTP/1.1 with Apache HttpClient 5
 * (classic API), guarded against server-side request forgery and hostile servers.
 *
 * <ul>
 *   <li>Every connection, for the first request and for each redirect hop, goes only to
 *       addresses that {@link FetcherConfig#addressPolicy()} allows, checked on the resolved
 *       address actually connected to (see {@link GuardedHttpClients}). No proxy is used, system
 *       proxy settings included.</li>
 *   <li>Redirects (301, 302, 303, 307, 308) are followed here, at most
 *       {@link FetcherConfig#maxRedirects()}, only to http and https URLs without user-info.</li>
 *   <li>A host written as a number in any form but plain dotted-decimal IPv4 ({@code 0177.0.0.1},
 *       {@code 127.1}, {@code 0x7f.1}, {@code 2130706433}) is refused, in the URL asked for and in
 *       every redirect: programs disagree about the address it names.</li>
 *   <li>{@link FetcherConfig#totalTimeout()} bounds the whole fetch, every hop and the body
 *       included: one shared timer thread aborts the exchange at the deadline, and no socket wait
 *       is longer than the time left. {@link FetcherConfig#connectTimeout()} bounds each DNS
 *       lookup , TCP connect and TLS handshake; a lookup started
 *       just before the deadline may overrun it by up to the connect timeout.</li>
 *   <li>{@link FetcherConfig#maxBytes()} is checked against {@code Content-Length} before reading
 *       and enforced while streaming; content encodings are not requested
 *       ({@code Accept-Encoding: identity}) and never decoded, so the cap counts what is kept.</li>
 *   <li>A body is accepted only if its magic bytes are JPEG, PNG, GIF, WebP, BMP or TIFF, and its
 *       declared {@code Content-Type}, if any, is not a known non-image type.</li>
 * </ul>
 *
 * <p>Failures are {@link FetchException}s classified by {@link Reason}: 404, 410 and other 4xx
 * are permanent; 5xx, 408 and 429 transient with the server's {@code Retry-After}; timeouts and
 * connection failures transient; refused addresses, bad redirects, oversized and non-image bodies
 * permanent. No cookies are kept, no authentication is attempted, nothing is retried here (the
 * engine retries).
 *
 * <p>This class sends the requests and keeps the deadline; package-private classes do one step
 * each: {@code RedirectFollower} checks the URL and every redirect and follows them,
 * {@code CappedBodyReader} reads a body under its cap and checks its magic bytes, and
 * {@code FetchFailures} classifies what went wrong.
 *
 * <p>Thread-safe: one instance serves any number of threads, sharing a pool of at most
 * {@value #MAX_CONNECTIONS} connections ({@value #MAX_CONNECTIONS_PER_ROUTE} per host). Whoever
 * creates it closes it; {@link #close()} releases the pool and the timer thread.
 */
public final class HttpImageFetcher implements ImageFetcher {

    /** The most pooled connections across all hosts. */
    public static final int MAX_CONNECTIONS = 256;
    /** The most pooled connections to one scheme, host and port. */
    public static final int MAX_CONNECTIONS_PER_ROUTE = 64;

    private static final Logger LOG = LoggerFactory.getLogger(HttpImageFetcher.class);
    private static final String ACCEPT = "image/jpeg,image/png,image/webp,image/gif,image/bmp,image/tiff;q=0.9,*/*;q=0.1";
    private static final long DRAINABLE_BODY_BYTES = 8 * 1024;
    private static final Duration IDLE_EVICTION = Duration.ofSeconds(30);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final FetcherConfig config;
    private final RedirectFollower redirects;
    private final String timerName = "imgpipe-fetch-timer-" + INSTANCES.incrementAndGet();
    private final PoolingHttpClientConnectionManager connections;
    private final CloseableHttpClient client;
    private final ScheduledThreadPoolExecutor timer;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A fetcher with {@link FetcherConfig#defaults()}: public addresses only. */
    public HttpImageFetcher() {
        this(FetcherConfig.defaults());
    }

    /**
     * @param config the limits and address policy
     */
    public HttpImageFetcher(FetcherConfig config) {
        this(config, SystemDefaultDnsResolver.INSTANCE);
    }

    /**
     * @param config the limits and address policy
     * @param names resolves host names (and IP literals) before the policy checks the result;
     *     tests map made-up names with it
     */
    HttpImageFetcher(FetcherConfig config, DnsResolver names) {
        this.config = Objects.requireNonNull(config, "config");
        this.redirects = new RedirectFollower(config.maxRedirects());
        this.timer = newTimer(timerName);
        CheckedDnsResolver resolver = new CheckedDnsResolver(new TimedDnsResolver(names, config.connectTimeout()),
                config.addressPolicy());
        this.connections = GuardedHttpClients.connectionManager(resolver, config.connectTimeout(), config.totalTimeout(),
                MAX_CONNECTIONS, MAX_CONNECTIONS_PER_ROUTE);
        this.client = newClient(config, connections);
        timer.scheduleWithFixedDelay(this::evictIdleConnections, IDLE_EVICTION.toMillis(), IDLE_EVICTION.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** @return the configuration this fetcher was built with */
    public FetcherConfig config() {
        return config;
    }

    /**
     * Downloads one image, following redirects.
     *
     * @param url an absolute http or https URL; user information in it is not sent
     * @return the body, its declared content type and the URL that answered
     * @throws FetchException on any failure, classified by {@link FetchException#reason()}
     * @throws IllegalStateException if this fetcher is closed
     */
    @Override
    public FetchedImage fetch(URI url) {
        return fetch(url, BodyBudget.UNLIMITED);
    }

    /**
     * Downloads one image, following redirects, reserving the body's memory from {@code budget}
     * once the answer's headers have come: its {@code Content-Length}, or for a body of unknown
     * length the byte cap (or the budget's capacity, if smaller: the body is then limited to it).
     * The body is read into a buffer that grows as bytes arrive (a body of known length ends in
     * an array of exactly that length). The wait for the reservation counts against the total
     * timeout. A body larger than the budget's capacity is a permanent {@link Reason#TOO_LARGE}.
     *
     * @param url an absolute http or https URL; user information in it is not sent
     * @param budget where to reserve the body's memory
     * @return the body, its declared content type and the URL that answered
     * @throws FetchException on any failure, classified by {@link FetchException#reason()}
     * @throws IllegalStateException if this fetcher is closed
     */
    @Override
    public FetchedImage fetch(URI url, BodyBudget budget) {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(budget, "budget");
        if (closed.get()) {
            throw new IllegalStateException("HttpImageFetcher is closed");
        }
        long deadline = System.nanoTime() + config.totalTimeout().toNanos();
        FetchedImage image = redirects.follow(url, hop -> exchange(url, hop, deadline, budget));
        LOG.debug("fetched {} ({} bytes, {}) from {}", url, image.body().length, image.contentType(), image.finalUrl());
        return image;
    }

    /** Closes the connection pool and stops the timer thread; in-flight fetches fail. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        timer.shutdownNow();
        client.close(CloseMode.GRACEFUL);
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the name of this fetcher's timer thread, for tests */
    String timerThreadName() {
        return timerName;
    }

    private static ScheduledThreadPoolExecutor newTimer(String timerName) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, timerName);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return executor;
    }

    private static CloseableHttpClient newClient(FetcherConfig config, PoolingHttpClientConnectionManager manager) {
        return GuardedHttpClients.builderOn(manager)
                .setUserAgent(config.userAgent())
                .setDefaultHeaders(List.of(new BasicHeader(HttpHeaders.ACCEPT, ACCEPT),
                        new BasicHeader(HttpHeaders.ACCEPT_ENCODING, "identity")))
                .build();
    }

    private void evictIdleConnections() {
        try {
            connections.closeExpired();
            connections.closeIdle(TimeValue.of(IDLE_EVICTION));
        } catch (RuntimeException e) {
            LOG.warn("evicting idle connections failed", e);
        }
    }

    private Hop exchange(URI original, URI uri, long deadline, BodyBudget budget) {
        long leftNanos = deadline - System.nanoTime();
        if (leftNanos <= 0) {
            throw failure(original, uri, Reason.TIMEOUT, -1, totalTimeoutMessage(), null, null);
        }
        Timeout left = Timeout.of(leftNanos, TimeUnit.NANOSECONDS);
        HttpGet get;
        try {
            get = new HttpGet(uri);
        } catch (IllegalArgumentException e) {
            throw failure(original, uri, original.equals(uri) ? Reason.ADDRESS_REFUSED : Reason.BAD_REDIRECT, -1,
                    "not a usable http(s) URL: " + e.getMessage(), e, null);
        }
        get.setConfig(RequestConfig.custom()
                .setRedirectsEnabled(false)
                .setAuthenticationEnabled(false)
                .setProtocolUpgradeEnabled(false)
                .setExpectContinueEnabled(false)
                .setConnectionRequestTimeout(left)
                .setResponseTimeout(left)
                .build());
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> alarm;
        try {
            alarm = timer.schedule(() -> {
                expired.set(true);
                get.cancel();
            }, leftNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("HttpImageFetcher is closed", e);
        }
        ClassicHttpResponse response = null;
        try {
            response = client.executeOpen(null, get, HttpClientContext.create());
            Hop hop = handle(original, uri, get, response, deadline, budget);
            if (expired.get()) {
                throw failure(original, uri, Reason.TIMEOUT, hop.status(), totalTimeoutMessage(), null, null);
            }
            return hop;
        } catch (IOException e) {
            if (expired.get()) {
                throw failure(original, uri, Reason.TIMEOUT, -1, totalTimeoutMessage(), e, null);
            }
            throw classify(original, uri, e);
        } finally {
            alarm.cancel(false);
            closeQuietly(response);
        }
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        if (response == null) {
            return;
        }
        try {
            response.close();
        } catch (IOException e) {
            LOG.debug("closing a response failed", e);
        }
    }

    private Hop handle(URI original, URI uri, HttpGet get, ClassicHttpResponse response, long deadline, BodyBudget budget)
            throws IOException {
        int status = response.getCode();
        if (RedirectFollower.isFollowed(status)) {
            discard(get, response);
            return Hop.redirect(status, RedirectFollower.target(original, uri, status, headerValue(response, HttpHeaders.LOCATION)));
        }
        if (status >= 200 && status < 300) {
            return Hop.image(status, readImage(original, uri, get, response, deadline, budget));
        }
        discard(get, response);
        throw FetchFailures.ofStatus(original, uri, status, response.getReasonPhrase(),
                headerValue(response, HttpHeaders.RETRY_AFTER), Instant.now());
    }

    private FetchedImage readImage(URI original, URI uri, HttpGet get, ClassicHttpResponse response, long deadline,
            BodyBudget budget) throws IOException {
        int status = response.getCode();
        String contentType = headerValue(response, HttpHeaders.CONTENT_TYPE);
        if (ContentTypes.declaresNonImage(contentType)) {
            get.cancel();
            throw failure(original, uri, Reason.NOT_AN_IMAGE, status, "Content-Type " + contentType + " is not an image", null, null);
        }
        String encoding = headerValue(response, HttpHeaders.CONTENT_ENCODING);
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
            get.cancel();
            throw failure(original, uri, Reason.NOT_AN_IMAGE, status,
                    "body sent with Content-Encoding " + encoding + " although only identity was accepted", null, null);
        }
        HttpEntity entity = response.getEntity();
        long declaredLength = entity == null ? 0 : entity.getContentLength();
        if (declaredLength > config.maxBytes()) {
            get.cancel();
            throw failure(original, uri, Reason.TOO_LARGE, status,
                    "Content-Length " + declaredLength + " exceeds the limit of " + config.maxBytes() + " bytes", null, null);
        }
        CappedBodyReader reader = new CappedBodyReader(original, uri, status, get::cancel);
        if (declaredLength == 0) {
            reader.requireImage(new byte[0], 0);
        }
        byte[] body;
        if (declaredLength > 0) {
            reserve(original, uri, get, status, budget, declaredLength, deadline);
            try (InputStream in = entity.getContent()) {
                body = reader.readDeclared(in, (int) declaredLength);
            }
        } else {
            long reservation = Math.min(config.maxBytes() + 1, budget.capacity());
            reserve(original, uri, get, status, budget, reservation, deadline);
            try (InputStream in = entity.getContent()) {
                body = reader.readUndeclared(in, reservation - 1, reservation <= config.maxBytes());
            }
        }
        return new FetchedImage(original, uri, contentType, body);
    }

    /** Reserves a body's memory before reading it, turning every refusal into a {@link FetchException}. */
    private void reserve(URI original, URI uri, HttpGet get, int status, BodyBudget budget, long bytes, long deadline) {
        boolean reserved;
        try {
            reserved = budget.reserve(bytes, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            get.cancel();
            throw failure(original, uri, Reason.CONNECTION, status, "interrupted while waiting for memory for the body", e, null);
        } catch (FetchException e) {
            get.cancel();
            throw e;
        } catch (ImgPipeException e) {
            get.cancel();
            throw failure(original, uri, e.retryable() ? Reason.CONNECTION : Reason.TOO_LARGE, status, e.getMessage(), e, null);
        }
        if (!reserved) {
            get.cancel();
            throw failure(original, uri, Reason.TIMEOUT, status, totalTimeoutMessage() + " while waiting for "
                    + bytes + " bytes of memory for the body", null, null);
        }
    }

    /** Reads a small error or redirect body so the connection can be reused; aborts a large one. */
    private static void discard(HttpGet get, ClassicHttpResponse response) {
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            return;
        }
        long length = entity.getContentLength();
        if (length < 0 || length > DRAINABLE_BODY_BYTES) {
            get.cancel();
            return;
        }
        try (InputStream in = entity.getContent()) {
            in.readNBytes((int) length + 1);
        } catch (IOException e) {
            get.cancel();
        }
    }

    private FetchException classify(URI original, URI uri, IOException e) {
        if (closed.get()) {
            return failure(original, uri, Reason.CONNECTION, -1, "the fetcher was closed during the fetch", e, null);
        }
        return FetchFailures.ofIOException(original, uri, e, config.connectTimeout());
    }

    private String totalTimeoutMessage() {
        return "total timeout of " + config.totalTimeout().toMillis() + " ms exceeded";
    }

    private static String headerValue(ClassicHttpResponse response, String name) {
        Header header = response.getFirstHeader(name);
        return header == null ? null : header.getValue();
    }
}
