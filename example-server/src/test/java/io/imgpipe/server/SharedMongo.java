package io.imgpipe.server;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * A MongoDB wire-protocol server (mongo-java-server, memory backend) in the test JVM on
 * 127.0.0.1 and an ephemeral port, standing in for the MongoDB that several server processes
 * share.
 */
final class SharedMongo implements AutoCloseable {

    private final MongoServer server;

    private SharedMongo(MongoServer server) {
        this.server = server;
    }

    static SharedMongo start() {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        return new SharedMongo(server);
    }

    /** @return {@code mongodb://127.0.0.1:<port>} */
    String uri() {
        return "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
