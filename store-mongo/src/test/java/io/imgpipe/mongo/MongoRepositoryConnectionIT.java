package io.imgpipe.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoClientSettings;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.imgpipe.ConfigurationException;
import io.imgpipe.RepositoryException;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.ProviderConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Who owns the client, building from a connection string or the provider, and failures to connect. */
class MongoRepositoryConnectionIT {

    private static InJvmMongoServer server;

    @BeforeAll
    static void startServer() {
        server = InJvmMongoServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void closingLeavesAGivenClientOpen() {
        try (MongoClient client = server.newClient()) {
            MongoProductRepository repository = MongoProductRepository
                    .builder(MongoRepositoryConfig.forClient().withDatabase("given")).client(client).build();

            repository.close();

            assertThat(client.getDatabase("given").runCommand(new Document("ping", 1)).get("ok"))
                    .isEqualTo(1.0);
        }
    }

    @Test
    void closingClosesTheClientItCreated() {
        MongoProductRepository repository = MongoProductRepository
                .builder(MongoRepositoryConfig.forUri(server.connectionString()).withDatabase("owned")).build();
        MongoClient own = repository.client();

        repository.close();

        assertThatThrownBy(() -> own.getDatabase("owned").runCommand(new Document("ping", 1)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeIsIdempotent() {
        MongoProductRepository repository = MongoProductRepository
                .builder(MongoRepositoryConfig.forUri(server.connectionString()).withDatabase("twice")).build();

        repository.close();
        repository.close();

        assertThatThrownBy(repository::ping).isInstanceOf(RepositoryException.class).hasMessageContaining("closed");
    }

    @Test
    void operationsAfterCloseFailWithoutRetry() {
        try (MongoClient client = server.newClient()) {
            MongoProductRepository repository = MongoProductRepository
                    .builder(MongoRepositoryConfig.forClient().withDatabase("after")).client(client).build();
            repository.close();

            assertThatThrownBy(() -> repository.findRequest("r1"))
                    .isInstanceOfSatisfying(RepositoryException.class, e -> assertThat(e.retryable()).isFalse());
        }
    }

    @Test
    void builderNeedsAClientOrAConnectionString() {
        assertThatThrownBy(() -> MongoProductRepository.builder(MongoRepositoryConfig.forClient()).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("MongoRepositoryConfig.connectionString");
    }

    @Test
    void builderRefusesBothAClientAndAConnectionString() {
        try (MongoClient client = server.newClient()) {
            assertThatThrownBy(() -> MongoProductRepository
                    .builder(MongoRepositoryConfig.forUri(server.connectionString())).client(client).build())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("connectionString");
        }
    }

    @Test
    void providerCreatesAWorkingRepositoryThatOwnsItsClient() {
        ProviderConfig properties = new ProviderConfig(Map.of(
                MongoProductRepositoryProvider.URI, server.connectionString(),
                MongoProductRepositoryProvider.DATABASE, "provided",
                MongoProductRepositoryProvider.COLLECTION_PREFIX, "p_"));

        ProductRepository repository = new MongoProductRepositoryProvider().create(properties);
        try {
            repository.ping();
            repository.create(TestRequests.request("r1", Instant.parse("2025-03-01T10:00:00Z"),
                    List.of(List.of("https://a.example/1.jpg"))));
            assertThat(repository.findRequest("r1")).isPresent();
        } finally {
            repository.close();
        }
        assertThat(((MongoProductRepository) repository).client()).satisfies(own ->
                assertThatThrownBy(() -> own.listDatabaseNames().first()).isInstanceOf(IllegalStateException.class));
        try (MongoClient client = server.newClient()) {
            assertThat(client.getDatabase("provided").listCollectionNames().into(new java.util.ArrayList<>()))
                    .contains("p_requests", "p_products", "p_tasks");
        }
    }

    @Test
    void unreachableServerFailsTheBuildRetryably() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyToClusterSettings(cluster -> cluster.hosts(List.of(new ServerAddress("127.0.0.1", closedPort)))
                        .serverSelectionTimeout(300, TimeUnit.MILLISECONDS))
                .build();
        try (MongoClient client = MongoClients.create(settings)) {
            assertThatThrownBy(() -> MongoProductRepository.builder(MongoRepositoryConfig.forClient()).client(client).build())
                    .isInstanceOfSatisfying(RepositoryException.class, e -> {
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.getCause()).isInstanceOf(MongoTimeoutException.class);
                    });
        }
    }
}
