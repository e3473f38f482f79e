package io.imgpipe.spi;

import java.net.URI;
import java.util.Objects;

/**
 * A task a worker has claimed.
 *
 * @param lease the lease to pass back with every write about this task
 * @param url the source URL
 * @param outputKey where to store the output
 * @param attempt which try this claim is: the earlier tries that ended with a recorded outcome
 *     ({@link ProductRepository#complete complete}, {@link ProductRepository#retryLater retryLater}
 *     or {@link ProductRepository#fail fail}), plus one for this claim (1 on the first). A claim
 *     that died with its worker or lost its lease does not count: its attempt passes to the claim
 *     that takes the task over
 * @param abandoned how many claims of this task were abandoned: their lease expired and the task
 *     was claimed again (the claim taken over by this one included), as when a worker dies or
 *     stalls; a worker that keeps dying on one image makes this grow while {@code attempt} does not
 */
public record ClaimedTask(Lease lease, URI url, String outputKey, int attempt, int abandoned) {

    /** Checks required parts are present. */
    public ClaimedTask {
        if (attempt < 1 || abandoned < 0) {
            throw new IllegalArgumentException("attempt must be at least 1 and abandoned at least 0: " + attempt
                    + ", " + abandoned);
        }
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(outputKey, "outputKey");
    }
}
