package io.imgpipe.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;

/**
 * The three collections a repository uses.
 *
 * @param requests one document per request
 * @param products one document per product, with a copy of its images' task state
 * @param tasks one document per distinct source URL of a request: the work queue
 */
record MongoCollections(MongoCollection<Document> requests, MongoCollection<Document> products,
        MongoCollection<Document> tasks) {

    static MongoCollections open(MongoDatabase database, MongoRepositoryConfig config) {
        return new MongoCollections(database.getCollection(config.requestsCollection()),
                database.getCollection(config.productsCollection()),
                database.getCollection(config.tasksCollection()));
    }

    void ensureIndexes() {
        Schema.ensureIndexes(requests, products, tasks);
    }
}
