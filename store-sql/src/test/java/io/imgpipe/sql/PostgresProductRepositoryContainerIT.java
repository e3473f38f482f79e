package io.imgpipe.sql;

import io.imgpipe.spi.ProductRepository;
import io.imgpipe.testkit.ProductRepositoryContract;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The repository contract on PostgreSQL 15 in Docker; skipped when no Docker engine is available.
 * Each test starts from empty tables.
 */
@Testcontainers(disabledWithoutDocker = true)
class PostgresProductRepositoryContainerIT extends ProductRepositoryContract {

    @Container
    private static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:15");

    @Override
    protected ProductRepository newRepository() {
        String url = POSTGRES.getJdbcUrl();
        SqlProductRepository repository = SqlProductRepository.builder(SqlRepositoryConfig.forUrl(url)
                .withUser(POSTGRES.getUsername()).withPassword(POSTGRES.getPassword())).build();
        TestPostgres.execute(url + (url.contains("?") ? "&" : "?") + "user=" + POSTGRES.getUsername() + "&password="
                + POSTGRES.getPassword(), "TRUNCATE imgpipe_requests, imgpipe_request_metadata, imgpipe_request_counts,"
                + " imgpipe_products, imgpipe_images, imgpipe_tasks");
        return repository;
    }
}
