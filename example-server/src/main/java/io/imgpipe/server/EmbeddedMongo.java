package io.imgpipe.server;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.imgpipe.RepositoryException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default store: a MongoDB wire-protocol server (mongo-java-server) on
 * {@code 127.0.0.1} and an ephemeral port, keeping its data in one H2 MVStore file under the data
 * directory, so that the same {@code MongoProductRepository} that runs against MongoDB runs here.
 *
 * <h2>Durability</h2>
 * The MVStore writes changes in the background, at most {@value #DEFAULT_AUTO_COMMIT_DELAY_MS} ms
 * after they were made, so a {@code kill -9} can lose the last second of writes. What must never
 * be lost is made durable explicitly with {@link #commit()}: it writes every change made so far
 * (by any client, to any collection: one store holds them all) and forces the file to the device.
 * The server calls it after each accepted upload, before answering, and {@link #close()} commits
 * once more. Worker writes lost to a crash are redone: their leases expire and deterministic
 * output keys are overwritten.
 *
 * <p>The MVStore file is locked while open, so one process at a time uses a data directory.
 * Thread-safe. {@link #close()} stops the server and closes the store; the caller closes its
 * {@code MongoClient} first.
 */
public final class EmbeddedMongo implements AutoCloseable {

    /** The name of the store file under the data directory. */
    public static final String FILE_NAME = "imgpipe.mv.db";
    /** How long the MVStore waits at most before writing changes in the background. */
    public static final int DEFAULT_AUTO_COMMIT_DELAY_MS = 1000;

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMongo.class);

    private final Path file;
    private final MVStore store;
    private final MongoServer server;
    private final String connectionString;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedMongo(Path file, MVStore store, MongoServer server) {
        this.file = file;
        this.store = store;
        this.server = server;
        InetSocketAddress address = server.getLocalAddress();
        this.connectionString = "mongodb://127.0.0.1:" + address.getPort();
    }

    /**
     * Opens (or creates) the store under {@code dataDir} and starts the server.
     *
     * @param dataDir the data directory; created if missing
     * @return the running server
     * @throws RepositoryException if the directory cannot be created, the file is locked by
     *     another process, or it cannot be opened
     */
    public static EmbeddedMongo open(Path dataDir) {
        return open(dataDir, DEFAULT_AUTO_COMMIT_DELAY_MS);
    }

    /**
     * @param dataDir the data directory
     * @param autoCommitDelayMillis the background write delay; tests lengthen it to show what
     *     {@link #commit()} adds
     * @return the running server
     */
    static EmbeddedMongo open(Path dataDir, int autoCommitDelayMillis) {
        Path file = dataDir.toAbsolutePath().normalize().resolve(FILE_NAME);
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new RepositoryException("cannot create DATA_DIR " + file.getParent() + ": " + e, e, false);
        }
        MVStore store;
        try {
            store = new MVStore.Builder().fileName(file.toString()).open();
        } catch (MVStoreException e) {
            String reason = e.getMessage() != null && e.getMessage().contains("locked")
                    ? "it is locked by another process; only one server at a time may use a DATA_DIR"
                            + " (run several against one MongoDB with MONGODB_URI)"
                    : e.getMessage();
            throw new RepositoryException("cannot open the embedded store " + file + ": " + reason, e, false);
        }
        try {
            store.setAutoCommitDelay(autoCommitDelayMillis);
            MongoServer server = new MongoServer(new H2Backend(store));
            server.bind("127.0.0.1", 0);
            EmbeddedMongo mongo = new EmbeddedMongo(file, store, server);
            log.info("embedded store {} serving on {}", file, mongo.connectionString);
            return mongo;
        } catch (RuntimeException e) {
            store.close();
            throw new RepositoryException("cannot start the embedded store on " + file + ": " + e.getMessage(), e, false);
        }
    }

    /** @return {@code mongodb://127.0.0.1:<port>} */
    public String connectionString() {
        return connectionString;
    }

    /** @return the store file */
    public Path file() {
        return file;
    }

    /**
     * Writes every change made so far to the store file and forces it to the device. When this
     * returns, those changes survive a {@code kill -9} and a power cut.
     *
     * @throws RepositoryException if writing fails
     */
    public void commit() {
        try {
            store.commit();
            store.sync();
        } catch (RuntimeException e) {
            throw new RepositoryException("cannot commit the embedded store " + file + ": " + e.getMessage(), e, true);
        }
    }

    /** Commits, stops the server (closing client connections) and closes the store. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            commit();
        } catch (RepositoryException e) {
            log.error("final commit of {} failed", file, e);
        }
        server.shutdownNow();
        if (!store.isClosed()) {
            store.close();
        }
        log.info("embedded store {} closed", file);
    }

    /** Simulates a crash for tests: closes the file without writing anything. */
    void crash() {
        closed.set(true);
        store.closeImmediately();
        try {
            server.shutdownNow();
        } catch (RuntimeException e) {
            log.debug("shutting down after a simulated crash: {}", e.toString());
        }
    }
}
