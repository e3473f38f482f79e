package io.imgpipe.fetch;

import io.imgpipe.FetchException;
import io.imgpipe.FetchException.Reason;
import io.imgpipe.ImgPipeException;
import io.imgpipe.spi.BodyBudget;
import io.imgpipe.spi.FetchedImage;
import io.imgpipe.spi.ImageFetcher;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
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
 *       address actually connected to (see {@link CheckedDnsResolver}). No proxy is used, system
 *       proxy settings included.</li>
 *   <li>Redirects (301, 302, 303, 307, 308) are followed here, at most
 *       {@link FetcherConfig#maxRedirects()}, only to http and https URLs without user-info.</li>
 *   <li>A host written as a number in any form but plain dotted-decimal IPv4 ({@code 0177.0.0.1},
 *       {@code 127.1}, {@code 0x7f.1}, {@code 2130706433}) is refused, in the URL asked for and in
 *       every redirect (see {@link NumericHosts}): programs disagree about the address it names.</li>
 *   <li>{@link FetcherConfig#totalTimeout()} bounds the whole fetch, every hop and the body
 *       included: one shared timer thread aborts the exchange at the deadline, and no socket wait
 *       is longer than the time left. {@link FetcherConfig#connectTimeout()} bounds each DNS
 *       lookup (see {@link TimedDnsResolver}), TCP connect and TLS handshake; a lookup started
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
    private static final Set<Integer> FOLLOWED_REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final String ACCEPT = "image/jpeg,image/png,image/webp,image/gif,image/bmp,image/tiff;q=0.9,*/*;q=0.1";
    private static final long DRAINABLE_BODY_BYTES = 8 * 1024;
    private static final int INITIAL_BUFFER = 64 * 1024;
    private static final int FIRST_ALLOCATION = 1024 * 1024;
    /**
     * A body of declared length up to this size is read into one buffer of exactly that length
     * (its memory is reserved before reading anyway): growing from {@link #FIRST_ALLOCATION} cost
     * a multi-megabyte photo three or four copies, each a humongous allocation for the G1 collector.
     */
    private static final int DECLARED_FIRST_ALLOCATION = 16 * 1024 * 1024;
    private static final Duration IDLE_EVICTION = Duration.ofSeconds(30);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final FetcherConfig config;
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
        URI current = requestUri(url);
        for (int redirects = 0; ; redirects++) {
            Hop hop = exchange(url, current, deadline, budget);
            if (hop.image != null) {
                LOG.debug("fetched {} ({} bytes, {}) from {}", url, hop.image.body().length, hop.image.contentType(), current);
                return hop.image;
            }
            if (redirects == config.maxRedirects()) {
                throw failure(url, current, Reason.BAD_REDIRECT, hop.status,
                        "too many redirects: more than " + config.maxRedirects() + ", next to " + hop.redirect, null, null);
            }
            current = hop.redirect;
        }
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
        return GuardedHttpClients.builder(manager)
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

    private static URI requestUri(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || !hasHostAndPort(url)) {
            throw new FetchException(url, Reason.ADDRESS_REFUSED, -1,
                    "only absolute http and https URLs with a host (and a port from 1 to 65535, if any) are fetched"
                            + classification(Reason.ADDRESS_REFUSED),
                    null, null);
        }
        Optional<String> numericHost = NumericHosts.problem(url);
        if (numericHost.isPresent()) {
            throw new FetchException(url, Reason.ADDRESS_REFUSED, -1,
                    numericHost.get() + classification(Reason.ADDRESS_REFUSED), null, null);
        }
        return withoutUserInfoAndFragment(url);
    }

    /**
     * @return whether the URL has an authority and no port outside 1 to 65535 (a host name that
     *     {@link URI} does not parse as one, such as {@code img_cdn.example.com}, is left to the
     *     client, which refuses what it cannot use)
     */
    private static boolean hasHostAndPort(URI url) {
        return url.getRawAuthority() != null && url.getPort() != 0 && url.getPort() <= 65_535;
    }

    private static URI withoutUserInfoAndFragment(URI url) {
        if (url.getRawUserInfo() == null && url.getRawFragment() == null) {
            return url;
        }
        if (url.getHost() == null) {
            return url;
        }
        StringBuilder text = new StringBuilder(url.getScheme()).append("://");
        String host = url.getHost();
        text.append(host);
        if (url.getPort() >= 0) {
            text.append(':').append(url.getPort());
        }
        text.append(url.getRawPath() == null ? "" : url.getRawPath());
        if (url.getRawQuery() != null) {
            text.append('?').append(url.getRawQuery());
        }
        return URI.create(text.toString());
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
                throw failure(original, uri, Reason.TIMEOUT, hop.status, totalTimeoutMessage(), null, null);
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
        if (FOLLOWED_REDIRECTS.contains(status)) {
            discard(get, response);
            return Hop.redirect(status, redirectTarget(original, uri, status, response.getFirstHeader(HttpHeaders.LOCATION)));
        }
        if (status >= 200 && status < 300) {
            return Hop.image(status, readImage(original, uri, get, response, deadline, budget));
        }
        discard(get, response);
        String reasonPhrase = response.getReasonPhrase();
        String statusText = "HTTP " + status + (reasonPhrase == null || reasonPhrase.isBlank() ? "" : " " + reasonPhrase.trim());
        if (status >= 300 && status < 400) {
            throw failure(original, uri, Reason.BAD_REDIRECT, status, statusText + " is not a redirect that can be followed", null, null);
        }
        if (status == 408 || status == 429 || status >= 500) {
            Duration retryAfter = RetryAfter.parse(headerValue(response, HttpHeaders.RETRY_AFTER), Instant.now());
            String detail = retryAfter == null ? statusText : statusText + ", Retry-After " + retryAfter.toSeconds() + "s";
            throw failure(original, uri, Reason.SERVER_BUSY_OR_ERROR, status, detail, null, retryAfter);
        }
        throw failure(original, uri, Reason.NOT_FOUND_OR_CLIENT_ERROR, status, statusText, null, null);
    }

    private static URI redirectTarget(URI original, URI uri, int status, Header location) {
        if (location == null || location.getValue() == null || location.getValue().isBlank()) {
            throw failure(original, uri, Reason.BAD_REDIRECT, status, "HTTP " + status + " redirect without a Location header", null, null);
        }
        URI target;
        try {
            target = uri.resolve(new URI(location.getValue().trim()));
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw failure(original, uri, Reason.BAD_REDIRECT, status,
                    "HTTP " + status + " redirect to an invalid Location '" + location.getValue() + "'", e, null);
        }
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || target.getRawAuthority() == null) {
            throw failure(original, uri, Reason.BAD_REDIRECT, status,
                    "HTTP " + status + " redirect to " + target + " refused: only http and https URLs are followed", null, null);
        }
        if (!hasHostAndPort(target)) {
            throw failure(original, uri, Reason.BAD_REDIRECT, status,
                    "HTTP " + status + " redirect to " + target + " refused: it has no usable host and port", null, null);
        }
        if (target.getRawUserInfo() != null) {
            throw failure(original, uri, Reason.BAD_REDIRECT, status, "HTTP " + status + " redirect to "
                    + withMaskedUserInfo(target) + " refused: URLs with user-info (credentials) are not followed", null, null);
        }
        Optional<String> numericHost = NumericHosts.problem(target);
        if (numericHost.isPresent()) {
            throw failure(original, uri, Reason.BAD_REDIRECT, status,
                    "HTTP " + status + " redirect to " + target + " refused: " + numericHost.get(), null, null);
        }
        return withoutUserInfoAndFragment(target);
    }

    /** @return the URL as text with its user-info replaced by {@code ***}, so that no credential is repeated */
    private static String withMaskedUserInfo(URI url) {
        String text = url.toString();
        String userInfo = url.getRawUserInfo();
        return userInfo == null ? text : text.replace(userInfo + "@", "***@");
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
        if (declaredLength == 0) {
            requireImage(original, uri, get, status, new byte[0], 0);
        }
        byte[] body;
        if (declaredLength > 0) {
            reserve(original, uri, get, status, budget, declaredLength, deadline);
            body = readDeclared(original, uri, get, status, entity, (int) declaredLength);
        } else {
            long reservation = Math.min(config.maxBytes() + 1, budget.capacity());
            reserve(original, uri, get, status, budget, reservation, deadline);
            body = readUndeclared(original, uri, get, status, entity, reservation - 1, reservation <= config.maxBytes());
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

    /**
     * Reads a body of known length into a buffer that grows as bytes arrive, up to exactly that
     * length (so that a server that declares a large body and trickles it holds memory only for
     * what it sent, and no trimming copy is needed), from {@value #DECLARED_FIRST_ALLOCATION} bytes
     * or the whole length if smaller; the buffer and its copy while growing are each at most the
     * length, which a reservation of the length covers.
     */
    private byte[] readDeclared(URI original, URI uri, HttpGet get, int status, HttpEntity entity, int length)
            throws IOException {
        byte[] buffer = new byte[Math.min(DECLARED_FIRST_ALLOCATION, length)];
        int count = 0;
        boolean sniffed = false;
        try (InputStream in = entity.getContent()) {
            while (count < length) {
                if (count == buffer.length) {
                    buffer = Arrays.copyOf(buffer, (int) Math.min(Math.max(2L * buffer.length, INITIAL_BUFFER), length));
                }
                int read = in.read(buffer, count, buffer.length - count);
                if (read < 0) {
                    throw new java.io.EOFException("body ended after " + count + " of its " + length + " bytes");
                }
                count += read;
                if (!sniffed && count >= Math.min(ImageFormat.SNIFF_LENGTH, length)) {
                    requireImage(original, uri, get, status, buffer, count);
                    sniffed = true;
                }
            }
        }
        return buffer;
    }

    /**
     * Reads a body of unknown length into a buffer that grows as bytes arrive, up to
     * {@code limit}; the buffer and its copy while growing (or trimming) are each at most
     * {@code limit + 1} bytes, which a reservation of that size covers.
     */
    private byte[] readUndeclared(URI original, URI uri, HttpGet get, int status, HttpEntity entity, long limit,
            boolean limitedByBudget) throws IOException {
        int capacityLimit = (int) Math.min(limit + 1, FetcherConfig.MAX_BYTES_LIMIT);
        byte[] buffer = new byte[Math.min(FIRST_ALLOCATION, capacityLimit)];
        int count = 0;
        boolean sniffed = false;
        try (InputStream in = entity.getContent()) {
            while (true) {
                if (count == buffer.length) {
                    if (buffer.length >= capacityLimit) {
                        throw tooLarge(original, uri, get, status, limit, limitedByBudget);
                    }
                    buffer = Arrays.copyOf(buffer, (int) Math.min(Math.max(2L * buffer.length, INITIAL_BUFFER), capacityLimit));
                }
                int read = in.read(buffer, count, buffer.length - count);
                if (read < 0) {
                    break;
                }
                count += read;
                if (count > limit) {
                    throw tooLarge(original, uri, get, status, limit, limitedByBudget);
                }
                if (!sniffed && count >= ImageFormat.SNIFF_LENGTH) {
                    requireImage(original, uri, get, status, buffer, count);
                    sniffed = true;
                }
            }
        }
        if (!sniffed) {
            requireImage(original, uri, get, status, buffer, count);
        }
        return count == buffer.length ? buffer : Arrays.copyOf(buffer, count);
    }

    private static FetchException tooLarge(URI original, URI uri, HttpGet get, int status, long limit, boolean byBudget) {
        get.cancel();
        return failure(original, uri, Reason.TOO_LARGE, status, "body exceeds the limit of " + limit + " bytes"
                + (byBudget ? " that the engine's memory budget allows a body sent without Content-Length" : ""), null, null);
    }

    private static void requireImage(URI original, URI uri, HttpGet get, int status, byte[] head, int length) {
        if (length == 0) {
            get.cancel();
            throw failure(original, uri, Reason.NOT_AN_IMAGE, status, "body is empty, not an image", null, null);
        }
        Optional<ImageFormat> format = ImageFormat.sniff(head, length);
        if (format.isEmpty()) {
            get.cancel();
            throw failure(original, uri, Reason.NOT_AN_IMAGE, status,
                    "body is " + ImageFormat.describeUnsupported(head, Math.min(length, ImageFormat.SNIFF_LENGTH)), null, null);
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
        AddressRefusedException refused = causeOfType(e, AddressRefusedException.class);
        if (refused != null) {
            return failure(original, uri, Reason.ADDRESS_REFUSED, -1, refused.getMessage(), e, null);
        }
        if (causeOfType(e, ConnectTimeoutException.class) != null) {
            return failure(original, uri, Reason.TIMEOUT, -1,
                    "connect timeout of " + config.connectTimeout().toMillis() + " ms exceeded", e, null);
        }
        if (causeOfType(e, InterruptedIOException.class) != null) {
            return failure(original, uri, Reason.TIMEOUT, -1, "timed out: " + messageOf(e), e, null);
        }
        if (causeOfType(e, TimedDnsResolver.DnsTimeoutException.class) != null) {
            return failure(original, uri, Reason.TIMEOUT, -1, "cannot resolve host in time: "
                    + causeOfType(e, TimedDnsResolver.DnsTimeoutException.class).getMessage(), e, null);
        }
        if (causeOfType(e, UnknownHostException.class) != null) {
            return failure(original, uri, Reason.CONNECTION, -1, "cannot resolve host: " + messageOf(e), e, null);
        }
        if (causeOfType(e, SSLException.class) != null) {
            return failure(original, uri, Reason.CONNECTION, -1, "TLS failure: " + messageOf(e), e, null);
        }
        return failure(original, uri, Reason.CONNECTION, -1, "connection failed: " + messageOf(e), e, null);
    }

    private static String messageOf(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private String totalTimeoutMessage() {
        return "total timeout of " + config.totalTimeout().toMillis() + " ms exceeded";
    }

    private static FetchException failure(URI original, URI uri, Reason reason, int status, String detail, Throwable cause,
            Duration retryAfter) {
        String from = original.equals(uri) ? "" : " (redirected from " + original + ")";
        return new FetchException(uri, reason, status, detail + from + classification(reason), cause, retryAfter);
    }

    private static String classification(Reason reason) {
        return " [" + reason + ", " + (reason.retryable() ? "transient" : "permanent") + "]";
    }

    private static String headerValue(ClassicHttpResponse response, String name) {
        Header header = response.getFirstHeader(name);
        return header == null ? null : header.getValue();
    }

    private static <T extends Throwable> T causeOfType(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The outcome of one request: an image, or where to go next. */
    private static final class Hop {
        final int status;
        final FetchedImage image;
        final URI redirect;

        private Hop(int status, FetchedImage image, URI redirect) {
            this.status = status;
            this.image = image;
            this.redirect = redirect;
        }

        static Hop image(int status, FetchedImage image) {
            return new Hop(status, image, null);
        }

        static Hop redirect(int status, URI target) {
            return new Hop(status, null, target);
        }
    }
}
