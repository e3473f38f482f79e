package io.imgpipe.server;

import io.imgpipe.spi.ProductRepository;
import io.imgpipe.testkit.ProductRepositoryContract;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository contract against the server's embedded default, opened as the server opens it:
 * {@link EmbeddedSqlite} (a locked data directory holding one SQLite file). Each test gets a new
 * data directory.
 */
class EmbeddedStoreContractIT extends ProductRepositoryContract {

    private static final AtomicInteger DIRECTORIES = new AtomicInteger();

    @TempDir
    static Path root;

    private EmbeddedSqlite embedded;

    @Override
    protected ProductRepository newRepository() {
        embedded = EmbeddedSqlite.open(root.resolve("data-" + DIRECTORIES.incrementAndGet()), Clock.systemUTC());
        return embedded.repository();
    }

    @AfterEach
    void releaseDataDirectory() {
        embedded.close();
    }
}
