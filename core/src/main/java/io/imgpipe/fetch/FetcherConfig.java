package io.imgpipe.fetch;

import io.imgpipe.ConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the default {@link io.imgpipe.spi.ImageFetcher}.
 *
 * @param connectTimeout the longest wait for the DNS lookup of a host, and for a TCP (and TLS)
 *     connection; default 5 s
 * @param totalTimeout the longest a whole fetch may take, redirects and body included; default 30 s
 * @param maxBytes the largest body accepted, enforced while streaming; default 25 MiB, at most
 *     {@value #MAX_BYTES_LIMIT} (the body is held in one array)
 * @param maxRedirects the most redirects followed; default 5
 * @param addressPolicy which addresses may be connected to; default {@link AddressPolicy#publicOnly()}
 * @param userAgent the {@code User-Agent} header sent; non-blank, without control characters
 */
public record FetcherConfig(Duration connectTimeout, Duration totalTimeout, long maxBytes, int maxRedirects,
        AddressPolicy addressPolicy, String userAgent) {

    /** The largest allowed {@link #maxBytes()}: the largest array a JVM reliably allocates. */
    public static final long MAX_BYTES_LIMIT = Integer.MAX_VALUE - 8;

    /** Default settings; private networks refused. */
    public static final FetcherConfig DEFAULTS = new FetcherConfig(Duration.ofSeconds(5), Duration.ofSeconds(30),
            25L * 1024 * 1024, 5, AddressPolicy.publicOnly(), "imgpipe/0.1 (+https://github.com/imgpipe)");

    /**
     * Checks the values are in range, naming the field that is not.
     *
     * @param connectTimeout see {@link #connectTimeout()}
     * @param totalTimeout see {@link #totalTimeout()}
     * @param maxBytes see {@link #maxBytes()}
     * @param maxRedirects see {@link #maxRedirects()}
     * @param addressPolicy see {@link #addressPolicy()}
     * @param userAgent see {@link #userAgent()}
     * @throws ConfigurationException if a value is out of range
     */
    public FetcherConfig {
        Objects.requireNonNull(addressPolicy, "FetcherConfig.addressPolicy");
        Objects.requireNonNull(userAgent, "FetcherConfig.userAgent");
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("totalTimeout", totalTimeout);
        if (maxBytes <= 0 || maxBytes > MAX_BYTES_LIMIT) {
            throw new ConfigurationException("FetcherConfig.maxBytes must be between 1 and " + MAX_BYTES_LIMIT + ", got " + maxBytes);
        }
        if (userAgent.isBlank() || userAgent.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new ConfigurationException("FetcherConfig.userAgent must be non-blank without control characters, got '"
                    + userAgent.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        if (maxRedirects < 0 || maxRedirects > 20) {
            throw new ConfigurationException("FetcherConfig.maxRedirects must be between 0 and 20, got " + maxRedirects);
        }
    }

    /** {@return {@link #DEFAULTS}} */
    public static FetcherConfig defaults() {
        return DEFAULTS;
    }

    /**
     * {@return a copy with it}
     *
     * @param value the new timeout
     */
    public FetcherConfig withConnectTimeout(Duration value) {
        return new FetcherConfig(value, totalTimeout, maxBytes, maxRedirects, addressPolicy, userAgent);
    }

    /**
     * {@return a copy with it}
     *
     * @param value the new timeout
     */
    public FetcherConfig withTotalTimeout(Duration value) {
        return new FetcherConfig(connectTimeout, value, maxBytes, maxRedirects, addressPolicy, userAgent);
    }

    /**
     * {@return a copy with it}
     *
     * @param value the new byte cap
     */
    public FetcherConfig withMaxBytes(long value) {
        return new FetcherConfig(connectTimeout, totalTimeout, value, maxRedirects, addressPolicy, userAgent);
    }

    /**
     * {@return a copy with it}
     *
     * @param value the new redirect limit
     */
    public FetcherConfig withMaxRedirects(int value) {
        return new FetcherConfig(connectTimeout, totalTimeout, maxBytes, value, addressPolicy, userAgent);
    }

    /**
     * {@return a copy with it}
     *
     * @param value the new address policy
     */
    public FetcherConfig withAddressPolicy(AddressPolicy value) {
        return new FetcherConfig(connectTimeout, totalTimeout, maxBytes, maxRedirects, value, userAgent);
    }

    /**
     * {@return a copy with it}
     *
     * @param value the new user agent
     */
    public FetcherConfig withUserAgent(String value) {
        return new FetcherConfig(connectTimeout, totalTimeout, maxBytes, maxRedirects, addressPolicy, value);
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, "FetcherConfig." + name);
        if (value.isZero() || value.isNegative()) {
            throw new ConfigurationException("FetcherConfig." + name + " must be positive, got " + value);
        }
    }
}
