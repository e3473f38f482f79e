package io.imgpipe.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

class ClaimCandidatesTest {

    private static final Instant READ_AT = Instant.parse("2025-03-01T10:00:00Z");

    private final ClaimCandidates candidates = new ClaimCandidates();

    @Test
    void handsOutEachKeptCandidateOnceUpToTheNumberWanted() {
        candidates.keep(List.of(task("a"), task("b"), task("c")), READ_AT, candidates.generation());

        List<Document> first = candidates.take(2, READ_AT);
        List<Document> second = candidates.take(2, READ_AT);

        assertThat(first).hasSize(2);
        assertThat(second).hasSize(1);
        assertThat(ids(first, second)).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void handsOutNothingToAClaimEarlierThanTheRead() {
        candidates.keep(List.of(task("a")), READ_AT, candidates.generation());

        assertThat(candidates.take(1, READ_AT.minusMillis(1))).isEmpty();
    }

    @Test
    void handsOutNothingOnceTheyAreOlderThanTheMaximumAge() {
        candidates.keep(List.of(task("a")), READ_AT, candidates.generation());

        assertThat(candidates.take(1, READ_AT.plus(ClaimCandidates.MAX_AGE).plusMillis(1))).isEmpty();
    }

    @Test
    void handsOutCandidatesUpToTheMaximumAge() {
        candidates.keep(List.of(task("a")), READ_AT, candidates.generation());

        assertThat(candidates.take(1, READ_AT.plus(ClaimCandidates.MAX_AGE))).hasSize(1);
    }

    @Test
    void aFreshReadReplacesTheKeptCandidates() {
        candidates.keep(List.of(task("a"), task("b")), READ_AT, candidates.generation());

        candidates.keep(List.of(task("c")), READ_AT, candidates.generation());

        assertThat(ids(candidates.take(5, READ_AT))).containsExactly("c");
    }

    @Test
    void forgottenCandidatesAreNotHandedOut() {
        candidates.keep(List.of(task("a")), READ_AT, candidates.generation());

        candidates.forget();

        assertThat(candidates.take(1, READ_AT)).isEmpty();
    }

    @SafeVarargs
    private static List<String> ids(List<Document>... batches) {
        List<String> ids = new ArrayList<>();
        for (List<Document> batch : batches) {
            batch.forEach(task -> ids.add(task.getString("_id")));
        }
        return ids;
    }

    @Test
    void doesNotKeepWhatAReadStartedBeforeTheyWereForgottenFound() {
        long beforeRead = candidates.generation();
        candidates.forget(); // a retry or release made a task claimable while the read ran

        candidates.keep(List.of(task("stale")), READ_AT, beforeRead);

        assertThat(candidates.take(5, READ_AT)).isEmpty();
    }

    private static Document task(String id) {
        return new Document("_id", id);
    }
}
