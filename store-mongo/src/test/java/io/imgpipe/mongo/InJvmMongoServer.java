package io.imgpipe.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * A MongoDB wire-protocol server (mongo-java-server, memory backend) inside the test JVM, on
 * 127.0.0.1 and an ephemeral port. It has no transactions and no pipeline updates, so whatever
 * passes here relies on neither; it keeps no secondary index (every query but one on {@code _id}
 * alone scans the collection), so it checks results, not query plans.
 */
final class InJvmMongoServer implements AutoCloseable {

    private final MongoServer server;
    private final String connectionString;

    private InJvmMongoServer(MongoServer server) {
        this.server = server;
        this.connectionString = "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
    }

    /** @return a server keeping its data in memory */
    static InJvmMongoServer start() {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        return new InJvmMongoServer(server);
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
