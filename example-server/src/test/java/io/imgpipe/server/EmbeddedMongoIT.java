package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.imgpipe.RepositoryException;
import java.nio.file.Path;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a {@code 200} from an upload relies on: a write followed by {@link EmbeddedMongo#commit()}
 * survives a crash that loses everything not written (simulated in-process by closing the store
 * file without writing, with background writes delayed for a minute so only the commit can
 * have saved anything).
 */
class EmbeddedMongoIT {

    private static final int NO_BACKGROUND_WRITES = 60_000;

    @TempDir
    Path dataDir;

    @Test
    void keepsCommittedWritesThroughACrash() {
        EmbeddedMongo store = EmbeddedMongo.open(dataDir, NO_BACKGROUND_WRITES);
        try (MongoClient client = MongoClients.create(store.connectionString())) {
            things(client).insertOne(new Document("_id", "committed"));
            store.commit();
        }
        store.crash();

        assertThat(idsAfterReopening()).containsExactly("committed");
    }

    @Test
    void losesUncommittedWritesInACrash() {
        EmbeddedMongo store = EmbeddedMongo.open(dataDir, NO_BACKGROUND_WRITES);
        try (MongoClient client = MongoClients.create(store.connectionString())) {
            things(client).insertOne(new Document("_id", "committed"));
            store.commit();
            things(client).insertOne(new Document("_id", "not committed"));
        }
        store.crash();

        assertThat(idsAfterReopening()).containsExactly("committed");
    }

    @Test
    void commitsOnClose() {
        EmbeddedMongo store = EmbeddedMongo.open(dataDir, NO_BACKGROUND_WRITES);
        try (MongoClient client = MongoClients.create(store.connectionString())) {
            things(client).insertOne(new Document("_id", "closed cleanly"));
        }
        store.close();

        assertThat(idsAfterReopening()).containsExactly("closed cleanly");
    }

    @Test
    void refusesASecondOpenOfTheSameDataDirectory() {
        try (EmbeddedMongo first = EmbeddedMongo.open(dataDir)) {
            assertThatThrownBy(() -> EmbeddedMongo.open(dataDir))
                    .isInstanceOf(RepositoryException.class)
                    .hasMessageContaining(EmbeddedMongo.FILE_NAME)
                    .hasMessageContaining("locked by another process");
        }
    }

    private java.util.List<String> idsAfterReopening() {
        try (EmbeddedMongo reopened = EmbeddedMongo.open(dataDir);
                MongoClient client = MongoClients.create(reopened.connectionString())) {
            java.util.List<String> ids = new java.util.ArrayList<>();
            things(client).find().forEach(doc -> ids.add(doc.getString("_id")));
            return ids;
        }
    }

    private static MongoCollection<Document> things(MongoClient client) {
        return client.getDatabase("test").getCollection("things");
    }
}
