package io.imgpipe.sql;

import io.imgpipe.spi.ProductRepository;
import io.imgpipe.testkit.ProductRepositoryContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The repository contract on a real PostgreSQL server (see {@link TestPostgres}; skipped without
 * one). The class works in a schema of its own; each test starts from empty tables.
 */
class PostgresProductRepositoryIT extends ProductRepositoryContract {

    private static String url;
    private static String schema;

    @BeforeAll
    static void createSchema() {
        url = TestPostgres.requireUrl();
        schema = TestPostgres.newSchemaName("contract");
    }

    @AfterAll
    static void dropSchema() {
        if (schema != null) {
            TestPostgres.dropSchema(url, schema);
        }
    }

    @Override
    protected ProductRepository newRepository() {
        SqlProductRepository repository = SqlProductRepository.builder(
                SqlRepositoryConfig.forUrl(url).withSchema(schema).withMaxPoolSize(12)).build();
        TestPostgres.execute(url, "TRUNCATE " + schema + ".imgpipe_requests, " + schema + ".imgpipe_request_metadata, "
                + schema + ".imgpipe_request_counts, " + schema + ".imgpipe_products, " + schema + ".imgpipe_images, "
                + schema + ".imgpipe_tasks");
        return repository;
    }
}
