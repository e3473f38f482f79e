/**
 * Safe image fetching: {@link io.imgpipe.fetch.HttpImageFetcher}, the default
 * {@link io.imgpipe.spi.ImageFetcher}, its {@link io.imgpipe.fetch.FetcherConfig} and the
 * {@link io.imgpipe.fetch.AddressPolicy} that guards it against server-side request forgery.
 *
 * <h2>SSRF defence</h2>
 *
 * <p>Image URLs come from uploaded CSV files and are untrusted: without a guard, a URL (or a
 * redirect) could make the server fetch {@code http://169.254.169.254/latest/meta-data/}, an
 * admin page on {@code 127.0.0.1} or a database on the private network, and store the answer
 * where the uploader can read it. The fetcher defends in depth:
 *
 * <ol>
 *   <li><b>The address connected to is the address checked.</b> Host names are resolved by a
 *       filtering {@link org.apache.hc.client5.http.DnsResolver} that drops every address the
 *       policy refuses and fails with {@code ADDRESS_REFUSED}, naming the host and its addresses,
 *       when none is left. HttpClient opens sockets only to the addresses that resolver returned,
 *       so a name that resolves to a public address when checked and to a private one a moment
 *       later (DNS rebinding) gains nothing: there is no second lookup. IP literals, including
 *       {@code [::1]}, IPv4-mapped IPv6 and numeric forms such as {@code 2130706433}, go through
 *       the same resolver and are judged by the address they denote.</li>
 *   <li><b>Every redirect hop is re-checked.</b> HttpClient's redirect handling is off; the
 *       fetcher follows 301, 302, 303, 307 and 308 itself, at most
 *       {@link io.imgpipe.fetch.FetcherConfig#maxRedirects()} times, only to http and https, and
 *       each hop is a new request through the same resolver.</li>
 *   <li><b>Nothing else resolves or routes.</b> No proxy is used (system proxy properties and
 *       {@link java.net.ProxySelector} are ignored; sockets are created with
 *       {@link java.net.Proxy#NO_PROXY}), authentication schemes are disabled, and no cookies are
 *       kept, so one fetch cannot carry credentials into another.</li>
 *   <li><b>The default policy is {@link io.imgpipe.fetch.AddressPolicy#publicOnly()}</b>:
 *       loopback, private, link-local, carrier-grade NAT, multicast, reserved and documentation
 *       ranges are refused, in IPv4 and IPv6, including IPv6 forms that embed a refused IPv4
 *       address. Deployments that must reach an internal image server allow just its range with
 *       {@link io.imgpipe.fetch.AddressPolicy#publicOnlyAnd(String...)}.</li>
 *   <li><b>Hostile servers are bounded</b>: a total deadline across all hops and the body, a byte
 *       cap enforced while streaming, and a body accepted only when its magic bytes are a
 *       supported image format.</li>
 * </ol>
 */
package io.imgpipe.fetch;
