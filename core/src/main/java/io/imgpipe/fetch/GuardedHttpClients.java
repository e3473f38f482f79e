package io.imgpipe.fetch;

import java.net.Proxy;
import java.net.Socket;
import java.time.Duration;
import org.apache.hc.client5.http.auth.AuthSchemeFactory;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Builds Apache HttpClient 5 classic clients for untrusted URLs, as the image fetcher and the
 * example server's webhooks use them: connections go only to addresses a
 * {@link CheckedDnsResolver} returned, never through a proxy (system settings are ignored), and
 * the client follows no redirects and keeps no cookies, credentials or retries of its own, and
 * does not decompress bodies. Callers add what is theirs (user agent, headers, timeouts per
 * request) to the builder. Stateless.
 */
public final class GuardedHttpClients {

    private GuardedHttpClients() {
    }

    /**
     * A pool whose every connection is resolved through {@code resolver}.
     *
     * @param resolver the guard; every host name and IP literal is resolved through it
     * @param connectTimeout the longest TCP connect and TLS handshake
     * @param socketTimeout the longest wait for a byte
     * @param maxTotal the most connections
     * @param maxPerRoute the most connections to one host
     * @return a new pool; the client built on it closes it
     */
    public static PoolingHttpClientConnectionManager connectionManager(CheckedDnsResolver resolver,
            Duration connectTimeout, Duration socketTimeout, int maxTotal, int maxPerRoute) {
        DefaultHttpClientConnectionOperator operator = new DefaultHttpClientConnectionOperator(
                proxy -> new Socket(Proxy.NO_PROXY),
                DefaultSchemePortResolver.INSTANCE,
                resolver,
                RegistryBuilder.<TlsSocketStrategy>create()
                        .register(URIScheme.HTTPS.id, DefaultClientTlsStrategy.createDefault())
                        .build());
        PoolingHttpClientConnectionManager manager = new PoolingHttpClientConnectionManager(operator,
                PoolConcurrencyPolicy.STRICT, PoolReusePolicy.LIFO, TimeValue.NEG_ONE_MILLISECOND,
                ManagedHttpClientConnectionFactory.INSTANCE);
        manager.setMaxTotal(maxTotal);
        manager.setDefaultMaxPerRoute(maxPerRoute);
        Timeout connect = Timeout.of(connectTimeout);
        Timeout socket = Timeout.of(socketTimeout);
        manager.setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(socket).setTcpNoDelay(true).build());
        manager.setDefaultConnectionConfig(ConnectionConfig.custom()
                .setConnectTimeout(connect)
                .setSocketTimeout(socket)
                .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                .setTimeToLive(TimeValue.ofMinutes(5))
                .build());
        manager.setDefaultTlsConfig(TlsConfig.custom().setHandshakeTimeout(connect).build());
        return manager;
    }

    /**
     * A client builder on {@code manager} with redirects, cookies, authentication, automatic
     * retries and content decompression turned off, and routes planned without any proxy.
     *
     * @param manager a pool from {@link #connectionManager}
     * @return the builder, to add a user agent, default headers and request settings to
     */
    public static HttpClientBuilder builder(PoolingHttpClientConnectionManager manager) {
        return HttpClients.custom()
                .setConnectionManager(manager)
                .setRoutePlanner(new DefaultRoutePlanner(DefaultSchemePortResolver.INSTANCE))
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .setDefaultAuthSchemeRegistry(RegistryBuilder.<AuthSchemeFactory>create().build())
                .disableAutomaticRetries()
                .disableContentCompression();
    }
}
