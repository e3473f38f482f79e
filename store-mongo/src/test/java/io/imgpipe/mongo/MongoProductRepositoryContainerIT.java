package io.imgpipe.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.testkit.ProductRepositoryContract;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBContainer;

/**
 * The repository contract against a real MongoDB 7 (a single-node replica set) in Docker; skipped
 * when no Docker engine is available. Each test gets a fresh database.
 */
@Testcontainers(disabledWithoutDocker = true)
class MongoProductRepositoryContainerIT extends ProductRepositoryContract {

    @Container
    private static final MongoDBContainer MONGO = new MongoDBContainer("mongo:7");

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static MongoClient client;

    private String database;

    @BeforeAll
    static void connect() {
        client = MongoClients.create(MONGO.getConnectionString());
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.close();
        }
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
