package io.imgpipe.spi;

import java.net.URI;
import java.util.Objects;

/**
 * The body of a successful image download.
 *
 * @param url the URL that was asked for
 * @param finalUrl the URL that answered, after redirects
 * @param contentType the response's {@code Content-Type}, or {@code null} if it sent none
 * @param body the whole body; not copied, so callers must not modify it
 */
public record FetchedImage(URI url, URI finalUrl, String contentType, byte[] body) {

    /** Checks required parts are present. */
    public FetchedImage {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(finalUrl, "finalUrl");
        Objects.requireNonNull(body, "body");
    }
}
