package io.imgpipe.mongo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.bson.Document;

/**
 * Claimable tasks a claim read but did not need, kept for the claims that follow for a short
 * while, so that one sorted query (a scan of every task on mongo-java-server) serves many claims.
 * A kept candidate is only a hint: it is claimed with the same compare-and-set as a fresh one,
 * which fails if anything about the task changed since it was read.
 *
 * <p>Kept candidates are handed out in random order, so that repositories in several processes
 * that read the same oldest tasks spread over them instead of all trying the oldest first (the
 * order among the oldest few hundred is only rough anyway). They are handed out only to claims
 * whose {@code now} is at or after the {@code now} they were read at and at most {@link #MAX_AGE}
 * later (they were claimable then, so they still are unless written since), and are forgotten when
 * this repository creates a request or makes a task claimable earlier (retry, release), and when
 * one of them turns out to have been taken by another claimer. So a task made claimable in another
 * way (by another process, or by time) may wait behind kept candidates for at most
 * {@link #MAX_AGE}, or until they run out. Thread-safe.
 */
final class ClaimCandidates {

    /** How long, in the callers' time, kept candidates are handed out. */
    static final Duration MAX_AGE = Duration.ofSeconds(2);
    /** How many candidates a claim reads at least. */
    static final int READ_AT_LEAST = 256;

    private final Deque<Document> kept = new ArrayDeque<>();
    private Instant readAt;
    private long generation;

    /**
     * @param wanted the most to take
     * @param now the claim's time
     * @return up to {@code wanted} kept candidates, each handed out once; none if they are too old
     *     for {@code now}
     */
    synchronized List<Document> take(int wanted, Instant now) {
        List<Document> taken = new ArrayList<>(Math.min(wanted, kept.size()));
        if (!isCurrent(now)) {
            forget();
            return taken;
        }
        while (taken.size() < wanted && !kept.isEmpty()) {
            taken.add(kept.poll());
        }
        return taken;
    }

    /** @return the current generation, to be passed to {@link #keep} by a read that starts now */
    synchronized long generation() {
        return generation;
    }

    /**
     * Keeps the candidates of a fresh read that no claim has tried, in random order, replacing
     * those kept before, unless they were forgotten since the read started (the read may predate
     * the write that made a task claimable earlier).
     *
     * @param spare the untried candidates
     * @param now the time they were read at
     * @param readGeneration {@link #generation()} taken before the read
     */
    synchronized void keep(List<Document> spare, Instant now, long readGeneration) {
        if (readGeneration != generation) {
            return;
        }
        List<Document> shuffled = new ArrayList<>(spare);
        Collections.shuffle(shuffled, ThreadLocalRandom.current());
        kept.clear();
        kept.addAll(shuffled);
        readAt = now;
    }

    /** Forgets the kept candidates: a task may have become claimable ahead of them. */
    synchronized void forget() {
        kept.clear();
        readAt = null;
        generation++;
    }

    private boolean isCurrent(Instant now) {
        return readAt != null && !now.isBefore(readAt) && !now.isAfter(readAt.plus(MAX_AGE));
    }
}
