package io.imgpipe.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.Test;

class ProductCopiesTest {

    @Test
    void bringsAnOlderCopyUpToItsTaskAndRecomputesTheProductStatus() {
        Document product = product("processing", image("t1", "processing", 1L), image("t2", "completed", 2L));
        Document task = task("t1", "completed", 2L).append("compressedUrl", "https://cdn.example/r1/1-1.jpg")
                .append("outputKey", "r1/1-1.jpg");

        BsonDocument set = setOf(ProductCopies.copyUpdate(product, Map.of("t1", task)));

        assertThat(set).containsEntry("images.0.status", new BsonString("completed"))
                .containsEntry("images.0.version", new BsonInt64(2))
                .containsEntry("images.0.compressedUrl", new BsonString("https://cdn.example/r1/1-1.jpg"))
                .containsEntry("images.0.outputKey", new BsonString("r1/1-1.jpg"))
                .containsEntry("status", new BsonString("completed"))
                .doesNotContainKey("images.1.status");
    }

    @Test
    void incrementsTheRevisionWithEveryWrite() {
        Document product = product("pending", image("t1", "pending", 0L));

        Bson update = ProductCopies.copyUpdate(product, Map.of("t1", task("t1", "processing", 1L)));

        assertThat(update.toBsonDocument().getDocument("$inc")).containsEntry("revision", new BsonInt64(1));
    }

    @Test
    void leavesACopyAsNewAsItsTaskAlone() {
        Document product = product("completed", image("t1", "completed", 2L));

        assertThat(ProductCopies.copyUpdate(product, Map.of("t1", task("t1", "processing", 1L)))).isNull();
    }

    @Test
    void correctsAStatusThatDoesNotMatchTheCopiesEvenWithoutANewerTask() {
        Document product = product("processing", image("t1", "failed", 2L), image("t2", "completed", 2L));

        assertThat(setOf(ProductCopies.copyUpdate(product, Map.of())))
                .containsOnlyKeys("status").containsEntry("status", new BsonString("failed"));
    }

    @Test
    void showsACreatingTaskAsPending() {
        assertThat(ProductCopies.copyStatus("creating")).isEqualTo("pending");
    }

    private static BsonDocument setOf(Bson update) {
        return update.toBsonDocument().getDocument("$set");
    }

    private static Document product(String status, Document... images) {
        return new Document("_id", "r1/0").append("requestId", "r1").append("status", status).append("revision", 3L)
                .append("images", List.of(images));
    }

    private static Document image(String taskId, String status, long version) {
        return new Document("position", 1).append("url", "https://a.example/" + taskId + ".jpg").append("taskId", taskId)
                .append("status", status).append("compressedUrl", null).append("outputKey", null).append("error", null)
                .append("attempts", 1).append("version", version);
    }

    private static Document task(String taskId, String status, long version) {
        return new Document("_id", "r1/" + taskId).append("requestId", "r1").append("taskId", taskId)
                .append("status", status).append("version", version).append("attempts", 1).append("error", null)
                .append("compressedUrl", null).append("outputKey", "r1/1-1.jpg").append("productOrdinals", List.of(0));
    }
}
