package io.imgpipe.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.nio.file.Path;
import org.h2.mvstore.MVStore;

/**
 * A MongoDB wire-protocol server (mongo-java-server) inside the test JVM, on 127.0.0.1 and an
 * ephemeral port, with the memory backend or, as the example-server's embedded default, the H2
 * MVStore backend. It has no transactions, no pipeline updates and uses indexes only for unique
 * keys, so whatever passes here relies on none of them.
 */
final class InJvmMongoServer implements AutoCloseable {

    private final MongoServer server;
    private final MVStore store;
    private final String connectionString;

    private InJvmMongoServer(MongoServer server, MVStore store) {
        this.server = server;
        this.store = store;
        this.connectionString = "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
    }

    /** @return a server keeping its data in memory */
    static InJvmMongoServer start() {
        return start(new MemoryBackend(), null);
    }

    /**
     * Starts a server on an H2 MVStore file, built as the example-server's {@code EmbeddedMongo}
     * builds it (default cache, changes written in the background after at most 1 s).
     *
     * @param file the store file; created if missing
     * @return the server; closing it closes the store
     */
    static InJvmMongoServer startH2(Path file) {
        MVStore store = new MVStore.Builder().fileName(file.toString()).open();
        store.setAutoCommitDelay(1000);
        return start(new H2Backend(store), store);
    }

    private static InJvmMongoServer start(MongoBackend backend, MVStore store) {
        MongoServer server = new MongoServer(backend);
        server.bind("127.0.0.1", 0);
        return new InJvmMongoServer(server, store);
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
        if (store != null && !store.isClosed()) {
            store.close();
        }
    }
}
