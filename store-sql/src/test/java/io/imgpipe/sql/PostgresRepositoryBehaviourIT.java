package io.imgpipe.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SQL repository's own behaviour on a real PostgreSQL server, each test in a new schema
 * (skipped without a server, see {@link TestPostgres}), plus migrating next to other tables.
 */
class PostgresRepositoryBehaviourIT extends SqlRepositoryBehaviourTests {

    private static String url;
    private String schema;

    @BeforeAll
    static void requirePostgres() {
        url = TestPostgres.requireUrl();
    }

    @BeforeEach
    void newSchema() {
        schema = TestPostgres.newSchemaName("behaviour");
    }

    @AfterEach
    void dropSchema() {
        TestPostgres.dropSchema(url, schema);
    }

    @Override
    protected SqlProductRepository openRepository() {
        return SqlProductRepository.builder(SqlRepositoryConfig.forUrl(url).withSchema(schema).withMaxPoolSize(4)).build();
    }

    @Test
    void aSchemaHoldingAnApplicationsTablesIsBaselinedAndMigrated() {
        TestPostgres.execute(url, "CREATE SCHEMA " + schema);
        TestPostgres.execute(url, "CREATE TABLE " + schema + ".orders (id BIGINT PRIMARY KEY)");

        SqlProductRepository repository = open();

        assertThat(repository.schemaVersion()).isEqualTo("2");
        repository.create(request("req-1", T0, 1));
        assertThat(repository.findRequest("req-1")).isPresent();
    }
}
