package io.imgpipe.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.IndexModel;
import io.imgpipe.spi.Lease;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * mongo-java-server uses an index only for a filter whose fields are exactly the keys of a unique
 * index (with plain values). The writes on the hot path must keep that shape, or every one of them
 * scans a whole collection on the embedded default.
 */
class HotPathFiltersTest {

    private static final Date T0 = Date.from(Instant.parse("2025-03-01T10:00:00Z"));

    @Test
    void claimCompareAndSetFiltersOnExactlyTheKeyOfTheUniqueClaimTokenIndex() {
        Document candidate = candidate().append("claimToken", "c-1");

        Document filter = TaskQueue.unchangedSinceRead(candidate);

        assertThat(filter.keySet()).isEqualTo(uniqueIndexKeys(Schema.taskIndexes(), Schema.CLAIM_TOKEN_INDEX));
        assertThat(filter).containsEntry("claimToken", "c-1");
    }

    @Test
    void claimOfATaskWrittenBeforeClaimTokensExistedFiltersOnEverythingThatMakesItClaimable() {
        Document filter = TaskQueue.unchangedSinceRead(candidate());

        assertThat(filter).containsEntry("_id", "r1/t1").containsEntry("status", "pending")
                .containsEntry("availableAt", new Date(0)).containsEntry("version", 3L).containsEntry("claimToken", null);
    }

    @Test
    void fenceFiltersOnExactlyTheKeyOfTheUniqueLeaseTokenIndex() {
        String token = TaskQueue.newLeaseToken("r1/t1");

        Document filter = TaskQueue.fence(new Lease("r1", "t1", "w1", token, Instant.EPOCH));

        assertThat(filter.keySet()).isEqualTo(uniqueIndexKeys(Schema.taskIndexes(), Schema.LEASE_TOKEN_INDEX));
        assertThat(filter).containsEntry("lease.token", token);
    }

    @Test
    void fenceOfATokenOfAnotherTaskNamesTheLeasesTask() {
        String tokenOfAnotherTask = TaskQueue.newLeaseToken("r1/t1#2");

        Document filter = TaskQueue.fence(new Lease("r1", "t1", "w1", tokenOfAnotherTask, Instant.EPOCH));

        assertThat(filter).containsEntry("_id", "r1/t1").containsEntry("status", "processing")
                .containsEntry("lease.token", tokenOfAnotherTask);
    }

    @Test
    void fenceOfATokenHandedOutBeforeTokensCarriedTheirTaskNamesTheLeasesTask() {
        Document filter = TaskQueue.fence(new Lease("r1", "t1", "w1", "0b5b4f2e-1111-4222-8333-944455556666", Instant.EPOCH));

        assertThat(filter).containsEntry("_id", "r1/t1").containsEntry("status", "processing");
    }

    @Test
    void productCopyWriteFiltersOnExactlyTheKeysOfTheUniqueRequestRevisionIndex() {
        Document product = new Document("_id", "r1/0").append("requestId", "r1").append("status", "pending")
                .append("revision", 4L).append("images", List.of());

        Document filter = ProductCopies.unchangedSinceRead(product);

        assertThat(filter.keySet()).isEqualTo(uniqueIndexKeys(Schema.productIndexes(), Schema.REQUEST_REVISION_INDEX));
        assertThat(filter).containsEntry("revision", 4L);
    }

    @Test
    void productWrittenBeforeRevisionsExistedIsMatchedByANullRevision() {
        Document product = new Document("_id", "r1/0").append("requestId", "r1").append("images", List.of());

        assertThat(ProductCopies.unchangedSinceRead(product)).containsEntry("revision", null);
    }

    private static Document candidate() {
        return new Document("_id", "r1/t1").append("requestId", "r1").append("taskId", "t1")
                .append("status", "pending").append("queuedAt", T0).append("availableAt", new Date(0))
                .append("version", 3L).append("attempts", 1).append("url", "https://a.example/1.jpg");
    }

    private static Set<String> uniqueIndexKeys(List<IndexModel> indexes, String name) {
        IndexModel index = indexes.stream().filter(model -> name.equals(model.getOptions().getName())).findFirst()
                .orElseThrow();
        assertThat(index.getOptions().isUnique()).as("index %s is unique", name).isTrue();
        return index.getKeys().toBsonDocument().keySet();
    }
}
