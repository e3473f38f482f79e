package io.imgpipe.fetch;

import static io.imgpipe.fetch.FetchFailures.classification;
import static io.imgpipe.fetch.FetchFailures.failure;

import io.imgpipe.FetchException;
import io.imgpipe.FetchException.Reason;
import io.imgpipe.spi.FetchedImage;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Follows redirects for the fetcher, hop by hop, so that each hop is a new request through the
 * guarded resolver. It checks the URL asked for and every {@code Location}: only absolute http and
 * https URLs with a host (and a port from 1 to 65535, if any) are requested, without user-info
 * (which is dropped from the URL asked for, and refuses a redirect) and without an ambiguous numeric
 * host (see {@link NumericHosts}); fragments are dropped. At most {@code maxRedirects} redirects
 * (301, 302, 303, 307, 308) are followed. Immutable and thread-safe.
 */
final class RedirectFollower {

    private static final Set<Integer> FOLLOWED = Set.of(301, 302, 303, 307, 308);

    private final int maxRedirects;

    /**
     * A follower of at most {@code maxRedirects} redirects per fetch.
     *
     * @param maxRedirects the most redirects followed
     */
    RedirectFollower(int maxRedirects) {
        this.maxRedirects = maxRedirects;
    }

    /**
     * Sends the request for {@code url} and follows the redirects it answers with.
     *
     * @param url the URL asked for
     * @param exchange sends one request; its result is an image or where to go next
     * @return the image the last hop answered with
     * @throws FetchException if a URL is refused, a redirect cannot be followed, or there are too many
     */
    FetchedImage follow(URI url, Exchange exchange) {
        URI current = firstHop(url);
        for (int redirects = 0; ; redirects++) {
            Hop hop = exchange.send(current);
            if (hop.image() != null) {
                return hop.image();
            }
            if (redirects == maxRedirects) {
                throw failure(url, current, Reason.BAD_REDIRECT, hop.status(),
                        "too many redirects: more than " + maxRedirects + ", next to " + hop.redirect(), null, null);
            }
            current = hop.redirect();
        }
    }

    /**
     * Whether a status is a redirect that is followed.
     *
     * @param status an HTTP status
     * @return whether it is 301, 302, 303, 307 or 308
     */
    static boolean isFollowed(int status) {
        return FOLLOWED.contains(status);
    }

    /**
     * Checks the URL asked for and returns what is requested.
     *
     * @param url the URL asked for
     * @return the URL without user-info and fragment
     * @throws FetchException ({@link Reason#ADDRESS_REFUSED}) if it is not an absolute http(s) URL
     *     with a usable host and port, or its host is an ambiguous number
     */
    static URI firstHop(URI url) {
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
     * Where a redirect goes, checked.
     *
     * @param original the URL asked for
     * @param uri the hop that answered with the redirect
     * @param status the redirect's status
     * @param location its {@code Location} header, or {@code null}
     * @return the next hop, resolved against {@code uri}, without fragment
     * @throws FetchException ({@link Reason#BAD_REDIRECT}) if there is no usable location, or it is
     *     not http(s), has no usable host and port, has user-info or an ambiguous numeric host
     */
    static URI target(URI original, URI uri, int status, String location) {
        if (location == null || location.isBlank()) {
            throw failure(original, uri, Reason.BAD_REDIRECT, status, "HTTP " + status + " redirect without a Location header",
                    null, null);
        }
        URI target;
        try {
            target = uri.resolve(new URI(location.trim()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw failure(original, uri, Reason.BAD_REDIRECT, status,
                    "HTTP " + status + " redirect to an invalid Location '" + location + "'", e, null);
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
        text.append(url.getHost());
        if (url.getPort() >= 0) {
            text.append(':').append(url.getPort());
        }
        text.append(url.getRawPath() == null ? "" : url.getRawPath());
        if (url.getRawQuery() != null) {
            text.append('?').append(url.getRawQuery());
        }
        return URI.create(text.toString());
    }

    /** @return the URL as text with its user-info replaced by {@code ***}, so that no credential is repeated */
    private static String withMaskedUserInfo(URI url) {
        String text = url.toString();
        String userInfo = url.getRawUserInfo();
        return userInfo == null ? text : text.replace(userInfo + "@", "***@");
    }

    /** Sends one request of a fetch. */
    @FunctionalInterface
    interface Exchange {

        /**
         * Sends the request for one hop.
         *
         * @param hop the URL to request
         * @return the image it answered with, or where it redirects to
         */
        Hop send(URI hop);
    }

    /**
     * The outcome of one request: an image, or where to go next.
     *
     * @param status the HTTP status
     * @param image the image, or {@code null} for a redirect
     * @param redirect the next hop, or {@code null} for an image
     */
    record Hop(int status, FetchedImage image, URI redirect) {

        static Hop image(int status, FetchedImage image) {
            return new Hop(status, image, null);
        }

        static Hop redirect(int status, URI target) {
            return new Hop(status, null, target);
        }
    }
}
