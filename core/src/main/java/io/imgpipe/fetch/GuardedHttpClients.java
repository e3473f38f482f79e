package io.imgpipe.fetch;

import java.net.Proxy;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import org.apache.hc.client5.http.DnsResolver;
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
 * Apache HttpClient 5 classic clients for untrusted URLs, guarded like the image fetcher. The
 * public entry points, {@link #builder(AddressPolicy, DnsResolver, Duration, int, int)} and the
 * matching {@link #resolver(AddressPolicy, DnsResolver, Duration)}, are for hosts that contact URLs they did not choose (webhook receivers, for example); the fetcher
 * uses the same guard through package-private methods. Stateless.
 */
public final class GuardedHttpClients {

    private GuardedHttpClients() {
    }

    /**
     * A client builder whose clients connect only where {@code policy} allows. The guarantees:
     *
     * <ul>
     *   <li>every connection goes only to addresses the policy allows, checked on the resolved
     *       address actually connected to, so a DNS answer that changes between check and connect
     *       gains nothing; IP-literal hosts are checked too, and a request to a host left with no
     *       allowed address fails with an {@link AddressRefusedException} (an
     *       {@link java.io.IOException});</li>
     *   <li>no proxy is used (system proxy settings are ignored);</li>
     *   <li>redirects are not followed (a 3xx answer is returned as it is), and no cookies,
     *       credentials or automatic retries are kept or attempted; bodies are not decompressed;</li>
     *   <li>each DNS lookup, TCP connect, TLS handshake and wait for a byte is bounded by
     *       {@code timeout}.</li>
     * </ul>
     *
     * <p>Add what is yours (user agent, default headers, request configuration, idle eviction) to
     * the builder. The guarantees hold as long as the connection manager, the route planner, the
     * proxy and redirect handling are left as they are. The built client owns its connection pool:
     * whoever builds it closes it.
     *
     * @param policy which addresses may be connected to
     * @param names resolves host names and IP literals before the policy judges the result, usually
     *     {@link org.apache.hc.client5.http.SystemDefaultDnsResolver#INSTANCE}
     * @param timeout the longest DNS lookup, connect, TLS handshake and wait for a byte; positive
     * @param maxConnections the most pooled connections; at least 1
     * @param maxConnectionsPerHost the most pooled connections to one scheme, host and port; at least 1
     * @return a new builder with its own connection pool
     * @throws IllegalArgumentException if the timeout is not positive or a connection limit is below 1
     */
    public static HttpClientBuilder builder(AddressPolicy policy, DnsResolver names, Duration timeout,
            int maxConnections, int maxConnectionsPerHost) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (maxConnections < 1 || maxConnectionsPerHost < 1) {
            throw new IllegalArgumentException("maxConnections and maxConnectionsPerHost must be at least 1, got "
                    + maxConnections + " and " + maxConnectionsPerHost);
        }
        CheckedDnsResolver resolver = new CheckedDnsResolver(new TimedDnsResolver(names, timeout), policy);
        return builderOn(connectionManager(resolver, timeout, timeout, maxConnections, maxConnectionsPerHost));
    }

    /**
     * A resolver that applies the same guard as the clients of {@link #builder}, for checking a URL
     * before it is used (a webhook URL at the moment it is given, for example): it resolves a host
     * name or IP literal through {@code names} within {@code timeout} and returns only the addresses
     * {@code policy} allows.
     *
     * @param policy which addresses are allowed
     * @param names resolves host names and IP literals before the policy judges the result
     * @param timeout the longest DNS lookup; positive
     * @return a resolver whose {@code resolve} throws {@link AddressRefusedException} (an
     *     {@link java.net.UnknownHostException}) when the host has no allowed address, and
     *     {@link DnsTimeoutException} when the lookup takes longer than {@code timeout}
     * @throws IllegalArgumentException if the timeout is not positive
     */
    public static DnsResolver resolver(AddressPolicy policy, DnsResolver names, Duration timeout) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        return new CheckedDnsResolver(new TimedDnsResolver(names, timeout), policy);
    }

    /**
     * A pool whose every connection is resolved through {@code resolver}, never through a proxy.
     *
     * @param resolver the guard; every host name and IP literal is resolved through it
     * @param connectTimeout the longest TCP connect and TLS handshake
     * @param socketTimeout the longest wait for a byte
     * @param maxTotal the most connections
     * @param maxPerRoute the most connections to one host
     * @return a new pool; the client built on it closes it
     */
    static PoolingHttpClientConnectionManager connectionManager(CheckedDnsResolver resolver,
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
    static HttpClientBuilder builderOn(PoolingHttpClientConnectionManager manager) {
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
