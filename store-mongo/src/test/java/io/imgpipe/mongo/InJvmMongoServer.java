package io.imgpipe.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * A MongoDB wire-protocol server (mongo-java-server, memory backend) inside the test JVM, on
 * 127.0.0.1 and an ephemeral port. It has no transactions, no pipeline updates and uses indexes
 * only for unique keys, so whatever passes here relies on none of them.
 */
final class InJvmMongoServer implements AutoCloseable {

    private final MongoServer server;
    private final String connectionString;

    private InJvmMongoServer(MongoServer server, String connectionString) {
        this.server = server;
        this.connectionString = connectionString;
    }

    static InJvmMongoServer start() {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        return new InJvmMongoServer(server, "mongodb://127.0.0.1:" + server.getLocalAddress().getPort());
    }

    String connectionString() {
        return connectionString;
    }

    MongoClient newClient() {
        return MongoClients.create(connectionString);
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
