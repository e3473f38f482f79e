package io.imgpipe.internal;

import io.imgpipe.CompressionException;
import io.imgpipe.FetchException;
import io.imgpipe.ObjectStoreException;
import io.imgpipe.RepositoryException;
import java.util.Locale;

/**
 * A bounded classification of why an image's attempt failed, for metrics: never the message or
 * the URL. {@link #tag()} is the value of the {@code reason} tag.
 */
public enum FailureReason {
    /** The source answered 404, 410 or another 4xx but 408 and 429. */
    HTTP_CLIENT_ERROR,
    /** The source answered 5xx, 408 or 429. */
    HTTP_SERVER_ERROR,
    /** Connecting or downloading timed out. */
    TIMEOUT,
    /** The connection was refused or reset, DNS or TLS failed. */
    CONNECTION,
    /** The address policy refused the URL or an address it resolved or redirected to. */
    ADDRESS_REFUSED,
    /** A redirect could not be followed. */
    BAD_REDIRECT,
    /** The body was larger than the fetcher's byte cap. */
    TOO_LARGE,
    /** The body was not an image in a supported format. */
    NOT_AN_IMAGE,
    /** The image could not be decoded or compressed (corrupt, too many pixels, too large for the memory budget). */
    COMPRESS,
    /** The object store failed. */
    STORE,
    /** The repository failed. */
    REPOSITORY,
    /** Its host was backed off after it stopped answering. */
    HOST_UNREACHABLE,
    /** The heap ran out while it was processed. */
    OUT_OF_MEMORY,
    /** Workers processing it died or lost its lease too many times. */
    ABANDONED,
    /** A bug, in the engine or a plug-in. */
    INTERNAL_ERROR,
    /** Any other {@code ImgPipeException}. */
    OTHER;

    /**
     * Returns the tag value: the name in lower case, words joined by {@code -}.
     *
     * @return the value of the {@code reason} tag
     */
    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Classifies an exception an attempt failed with.
     *
     * @param e what an attempt failed with
     * @return its classification
     */
    public static FailureReason of(Throwable e) {
        if (e instanceof FetchException) {
            switch (((FetchException) e).reason()) {
                case NOT_FOUND_OR_CLIENT_ERROR:
                    return HTTP_CLIENT_ERROR;
                case SERVER_BUSY_OR_ERROR:
                    return HTTP_SERVER_ERROR;
                case TIMEOUT:
                    return TIMEOUT;
                case CONNECTION:
                    return CONNECTION;
                case ADDRESS_REFUSED:
                    return ADDRESS_REFUSED;
                case BAD_REDIRECT:
                    return BAD_REDIRECT;
                case TOO_LARGE:
                    return TOO_LARGE;
                case NOT_AN_IMAGE:
                    return NOT_AN_IMAGE;
                default:
                    return OTHER;
            }
        }
        if (e instanceof CompressionException) {
            return COMPRESS;
        }
        if (e instanceof ObjectStoreException) {
            return STORE;
        }
        if (e instanceof RepositoryException) {
            return REPOSITORY;
        }
        return OTHER;
    }
}
