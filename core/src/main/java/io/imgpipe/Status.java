package io.imgpipe;

import java.util.Locale;

/**
 * Status of an image, a product or a request. The API spells them in lower case
 * ({@link #wireName()}): {@code pending}, {@code processing}, {@code completed}, {@code failed}.
 *
 * <ul>
 *   <li>An image is {@code pending} until a worker claims it, {@code processing} while claimed,
 *       and ends {@code completed} or {@code failed}.
 *   <li>A product or a request is {@code pending} while all its images wait for a worker (for a first
 *       attempt or for a retry),
 *       {@code processing} while any is unfinished, {@code completed} when all completed, and
 *       {@code failed} when all finished and at least one failed.
 * </ul>
 */
public enum Status {
    /** Waiting for a worker (also while waiting to be retried). */
    PENDING,
    /** Claimed by a worker. */
    PROCESSING,
    /** Done, with an output URL. */
    COMPLETED,
    /** Done, without an output URL; the error says why. */
    FAILED;

    /** The wire names, made once: statuses are named per image when a large request is read or written. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** {@return {@code true} for {@link #COMPLETED} and {@link #FAILED}} */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED;
    }

    /** {@return the lower-case name used in the API and in stored documents} */
    public String wireName() {
        return wireName;
    }

    /**
     * {@return the status}
     *
     * @param wireName a name as returned by {@link #wireName()} (case is ignored)
     * @throws IllegalArgumentException if the name is not a status
     */
    public static Status fromWireName(String wireName) {
        switch (wireName) {
            case "pending":
                return PENDING;
            case "processing":
                return PROCESSING;
            case "completed":
                return COMPLETED;
            case "failed":
                return FAILED;
            default:
                return valueOf(wireName.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * The status of a group (a product or a request) derived from the counts of its images.
     *
     * @param progress the counts
     * @return the group's status
     */
    public static Status of(Progress progress) {
        if (progress.total() > 0 && progress.pending() == progress.total()) {
            return PENDING;
        }
        if (progress.pending() > 0 || progress.processing() > 0) {
            return PROCESSING;
        }
        return progress.failed() > 0 ? FAILED : COMPLETED;
    }
}
