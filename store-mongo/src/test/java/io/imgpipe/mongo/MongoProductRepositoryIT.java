package io.imgpipe.mongo;

import com.mongodb.client.MongoClient;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.testkit.ProductRepositoryContract;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The repository contract against mongo-java-server in this JVM, through a real {@link MongoClient}
 * (real wire protocol). Each test gets a fresh database.
 */
class MongoProductRepositoryIT extends ProductRepositoryContract {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static InJvmMongoServer server;
    private static MongoClient client;

    private String database;

    @BeforeAll
    static void startServer() {
        server = InJvmMongoServer.start();
        client = server.newClient();
    }

    @AfterAll
    static void stopServer() {
        client.close();
        server.close();
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
