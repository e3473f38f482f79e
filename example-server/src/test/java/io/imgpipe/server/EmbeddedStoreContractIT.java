package io.imgpipe.server;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.imgpipe.mongo.MongoProductRepository;
import io.imgpipe.mongo.MongoRepositoryConfig;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.testkit.ProductRepositoryContract;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository contract against the server's embedded default: {@code MongoProductRepository}
 * over the wire protocol to mongo-java-server with the H2 (MVStore) backend the server persists
 * its data in, which behaves differently from the memory backend the store-mongo module tests
 * against. Each test gets a fresh database in one store file.
 */
class EmbeddedStoreContractIT extends ProductRepositoryContract {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    static Path dataDir;

    private static EmbeddedMongo embedded;
    private static MongoClient client;

    private String database;

    @BeforeAll
    static void start() {
        embedded = EmbeddedMongo.open(dataDir);
        client = MongoClients.create(embedded.connectionString());
    }

    @AfterAll
    static void stop() {
        client.close();
        embedded.close();
    }

    @Override
    protected ProductRepository newRepository() {
        database = "contract" + DATABASES.incrementAndGet();
        return MongoProductRepository.builder(MongoRepositoryConfig.forClient().withDatabase(database))
                .client(client).build();
    }

    @AfterEach
    void dropDatabase() {
        client.getDatabase(database).drop();
    }
}
