package io.imgpipe.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;

/**
 * The collections a repository uses.
 *
 * @param requests one document per request
 * @param products one document per product, with a copy of its images' outcomes
 * @param tasks one document per distinct source URL of a request: the work queue
 * @param counters named counters (the claim turns)
 */
record MongoCollections(MongoCollection<Document> requests, MongoCollection<Document> products,
        MongoCollection<Document> tasks, MongoCollection<Document> counters) {

    static MongoCollections open(MongoDatabase database, MongoRepositoryConfig config) {
        return new MongoCollections(database.getCollection(config.requestsCollection()),
                database.getCollection(config.productsCollection()),
                database.getCollection(config.tasksCollection()),
                database.getCollection(config.countersCollection()));
    }

    /** Creates the indexes, drops obsolete ones and upgrades documents of earlier versions. */
    void prepare() {
        Schema.ensureIndexes(this);
        Schema.upgrade(this);
    }
}
