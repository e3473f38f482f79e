package io.imgpipe.sql;

import io.imgpipe.spi.ProductRepository;
import io.imgpipe.testkit.ProductRepositoryContract;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The repository contract on SQLite: each test gets a new database file. */
class SqliteProductRepositoryIT extends ProductRepositoryContract {

    private static final AtomicInteger FILES = new AtomicInteger();

    @TempDir
    static Path dir;

    @Override
    protected ProductRepository newRepository() {
        return SqlProductRepository.builder(
                SqlRepositoryConfig.forSqliteFile(dir.resolve("contract-" + FILES.incrementAndGet() + ".db"))).build();
    }
}
