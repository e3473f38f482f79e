package io.imgpipe.fetch;

import io.imgpipe.ConfigurationException;
import io.imgpipe.spi.ImageFetcher;
import io.imgpipe.spi.ImageFetcherProvider;
import io.imgpipe.spi.ProviderConfig;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Creates {@link HttpImageFetcher}s under the name {@value #NAME}; registered in
 * {@code META-INF/services/io.imgpipe.spi.ImageFetcherProvider}. Every property is optional and
 * defaults to {@link FetcherConfig#defaults()}:
 *
 * <ul>
 *   <li>{@value #CONNECT_TIMEOUT}, {@value #TOTAL_TIMEOUT}: durations such as {@code 5s} or {@code PT30S};</li>
 *   <li>{@value #MAX_BYTES}: a byte count, optionally with a unit {@code KiB}, {@code MiB} or
 *       {@code GiB} ({@code 25MiB});</li>
 *   <li>{@value #MAX_REDIRECTS}: an integer from 0 to 20;</li>
 *   <li>{@value #ALLOW_PRIVATE_NETWORKS}: {@code true} selects {@link AddressPolicy#allowAll()}
 *       (trusted inputs only);</li>
 *   <li>{@value #ALLOWED_RANGES}: comma-separated CIDR ranges allowed besides public addresses,
 *       see {@link AddressPolicy#publicOnlyAnd(String...)};</li>
 *   <li>{@value #USER_AGENT}: the {@code User-Agent} header.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe. The fetcher created belongs to the caller, who closes it.
 */
public final class HttpImageFetcherProvider implements ImageFetcherProvider {

    /** The provider name. */
    public static final String NAME = "http";
    /** Property: connect timeout. */
    public static final String CONNECT_TIMEOUT = "imgpipe.fetch.connect-timeout";
    /** Property: total timeout of one fetch. */
    public static final String TOTAL_TIMEOUT = "imgpipe.fetch.total-timeout";
    /** Property: byte cap of one body. */
    public static final String MAX_BYTES = "imgpipe.fetch.max-bytes";
    /** Property: most redirects followed. */
    public static final String MAX_REDIRECTS = "imgpipe.fetch.max-redirects";
    /** Property: {@code true} to allow every address, private networks and loopback included. */
    public static final String ALLOW_PRIVATE_NETWORKS = "imgpipe.fetch.allow-private-networks";
    /** Property: CIDR ranges allowed besides public addresses. */
    public static final String ALLOWED_RANGES = "imgpipe.fetch.allowed-ranges";
    /** Property: the User-Agent header. */
    public static final String USER_AGENT = "imgpipe.fetch.user-agent";

    /** Used by {@link java.util.ServiceLoader}. */
    public HttpImageFetcherProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * {@return a new fetcher; the caller closes it}
     *
     * @param properties the properties listed on this class
     * @throws ConfigurationException naming the property that is invalid
     */
    @Override
    public ImageFetcher create(ProviderConfig properties) {
        return new HttpImageFetcher(fetcherConfig(properties));
    }

    /**
     * {@return the configuration they describe}
     *
     * @param properties the properties listed on this class
     * @throws ConfigurationException naming the property that is invalid
     */
    public static FetcherConfig fetcherConfig(ProviderConfig properties) {
        FetcherConfig defaults = FetcherConfig.defaults();
        FetcherConfig config = defaults;
        config = apply(config, CONNECT_TIMEOUT,
                c -> c.withConnectTimeout(properties.getDuration(CONNECT_TIMEOUT, defaults.connectTimeout())));
        config = apply(config, TOTAL_TIMEOUT,
                c -> c.withTotalTimeout(properties.getDuration(TOTAL_TIMEOUT, defaults.totalTimeout())));
        config = apply(config, MAX_BYTES, c -> c.withMaxBytes(
                properties.get(MAX_BYTES).map(HttpImageFetcherProvider::parseBytes).orElse(defaults.maxBytes())));
        config = apply(config, MAX_REDIRECTS,
                c -> c.withMaxRedirects(properties.getInt(MAX_REDIRECTS, defaults.maxRedirects())));
        config = apply(config, USER_AGENT, c -> c.withUserAgent(properties.get(USER_AGENT).orElse(defaults.userAgent())));
        boolean allowPrivate = properties.getBoolean(ALLOW_PRIVATE_NETWORKS, false);
        String[] ranges = properties.get(ALLOWED_RANGES)
                .map(text -> Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new))
                .orElse(new String[0]);
        if (allowPrivate) {
            return config.withAddressPolicy(AddressPolicy.allowAll());
        }
        if (ranges.length > 0) {
            return apply(config, ALLOWED_RANGES, c -> c.withAddressPolicy(AddressPolicy.publicOnlyAnd(ranges)));
        }
        return config;
    }

    private static FetcherConfig apply(FetcherConfig config, String key, UnaryOperator<FetcherConfig> change) {
        try {
            return change.apply(config);
        } catch (ConfigurationException e) {
            if (e.getMessage().contains(key)) {
                throw e;
            }
            throw new ConfigurationException("property " + key + ": " + e.getMessage(), e);
        }
    }

    private static long parseBytes(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        String[][] units = {{"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"}, {"b", "1"}};
        for (String[] candidate : units) {
            if (t.endsWith(candidate[0])) {
                unit = Long.parseLong(candidate[1]);
                t = t.substring(0, t.length() - candidate[0].length()).trim();
                break;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(t), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigurationException("property " + MAX_BYTES + " must be a byte count such as 26214400 or 25MiB, got '"
                    + text + "'", e);
        }
    }
}
