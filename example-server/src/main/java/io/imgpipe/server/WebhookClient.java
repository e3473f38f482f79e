package io.imgpipe.server;

import io.imgpipe.fetch.AddressPolicy;
import io.imgpipe.fetch.AddressRefusedException;
import io.imgpipe.fetch.GuardedHttpClients;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * POSTs webhook bodies with Apache HttpClient 5, guarded like the image fetcher: connections go
 * only to addresses the {@link AddressPolicy} allows, checked on the resolved address actually
 * connected to ({@link GuardedHttpClients#builder}); no proxy (system settings ignored), no redirects
 * followed, no cookies, no authentication, no automatic retries (the notifier retries). Each
 * attempt is bounded: the DNS lookup, the connect and the wait for the answer by the timeout each, and the whole
 * exchange by twice the timeout. The answer's status decides; its body is read only if it declares
 * at most {@value #MAX_BODY_BYTES} bytes (so the connection can be reused), otherwise the exchange
 * is aborted unread.
 *
 * <p>Idle pooled connections are closed after 30 seconds. Thread-safe. {@link #close()} releases
 * the connection pool and the timer threads.
 */
final class WebhookClient implements AutoCloseable {

    /** The longest answer body read to keep a connection; a longer one is not read at all. */
    static final int MAX_BODY_BYTES = 4096;

    private final CloseableHttpClient client;
    private final DnsResolver resolver;
    private final ScheduledThreadPoolExecutor timer;
    private final Duration deadline;

    /**
     * @param policy which addresses deliveries may connect to
     * @param timeout the longest connect, and the longest wait for the answer
     */
    WebhookClient(AddressPolicy policy, Duration timeout) {
        this(policy, timeout, SystemDefaultDnsResolver.INSTANCE);
    }

    /**
     * @param policy which addresses deliveries may connect to
     * @param timeout the longest connect, and the longest wait for the answer
     * @param names resolves host names before the policy judges them (tests map made-up names)
     */
    WebhookClient(AddressPolicy policy, Duration timeout, DnsResolver names) {
        Objects.requireNonNull(timeout, "timeout");
        this.deadline = timeout.multipliedBy(2);
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "imgpipe-webhook-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        this.resolver = GuardedHttpClients.resolver(policy, names, timeout);
        this.client = newClient(GuardedHttpClients.builder(policy, names, timeout, 16, 4), timeout);
    }

    /**
     * Checks that deliveries to a URL could connect: its host resolves, through the same guard and
     * policy as deliveries, to at least one allowed address.
     *
     * @param url an absolute http(s) URL
     * @throws AddressRefusedException if the host resolves only to refused addresses
     * @throws DnsTimeoutException if the lookup takes longer than the timeout
     * @throws java.net.UnknownHostException if the host does not resolve
     */
    void checkTarget(URI url) throws java.net.UnknownHostException {
        String host = url.getHost();
        resolver.resolve(host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host);
    }

    /**
     * Sends one POST.
     *
     * @param url an absolute http(s) URL
     * @param body the JSON body
     * @param headers further headers
     * @return the answer's status and {@code Retry-After}
     * @throws AddressRefusedException if the host resolves only to refused addresses
     * @throws IOException if connecting, sending or reading fails, or the deadline passes
     */
    Answer post(URI url, byte[] body, Map<String, String> headers) throws IOException {
        HttpPost post;
        try {
            post = new HttpPost(url);
        } catch (IllegalArgumentException e) {
            throw new IOException("not a usable webhook URL: " + url + " (" + e.getMessage() + ")", e);
        }
        headers.forEach(post::setHeader);
        post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        ScheduledFuture<?> abort = timer.schedule(post::cancel, deadline.toMillis(), TimeUnit.MILLISECONDS);
        ClassicHttpResponse response = null;
        try {
            response = client.executeOpen(null, post, null);
            Header retryAfter = response.getFirstHeader("Retry-After");
            Answer answer = new Answer(response.getCode(), retryAfter == null ? null : retryAfter.getValue());
            discardBody(response.getEntity(), post);
            return answer;
        } catch (IOException e) {
            if (post.isCancelled()) {
                throw new IOException("no complete answer within " + deadline.toSeconds() + " s", e);
            }
            throw e;
        } finally {
            abort.cancel(false);
            closeQuietly(response);
        }
    }

    /**
     * Reads a short answer body to the end, so the connection can be reused; a longer one, or one
     * of unknown length, is not read: the exchange is aborted and its connection discarded. The
     * status has been read already, so nothing here fails the delivery.
     */
    private static void discardBody(HttpEntity entity, HttpPost post) {
        if (entity == null) {
            return;
        }
        long length = entity.getContentLength();
        if (length < 0 || length > MAX_BODY_BYTES) {
            post.cancel();
            return;
        }
        try (InputStream in = entity.getContent()) {
            in.readNBytes(MAX_BODY_BYTES);
        } catch (IOException e) {
            post.cancel();
        }
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        if (response == null) {
            return;
        }
        try {
            response.close();
        } catch (IOException e) {
            // aborted exchanges fail to drain on close; the connection is discarded either way
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        client.close(CloseMode.GRACEFUL);
    }

    private static CloseableHttpClient newClient(HttpClientBuilder guarded, Duration timeout) {
        return guarded
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(timeout)).build())
                .setUserAgent("imgpipe-webhook/0.1")
                .evictExpiredConnections()
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .build();
    }

    /**
     * What the receiver answered.
     *
     * @param status the HTTP status
     * @param retryAfter its {@code Retry-After} header, or {@code null}
     */
    record Answer(int status, String retryAfter) {
    }
}
