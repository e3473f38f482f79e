package io.imgpipe.server;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@code ROLE=api} and {@code ROLE=worker} servers sharing one PostgreSQL database
 * ({@code DATABASE_URL}), each test in a schema of its own; skipped without a PostgreSQL server
 * (see {@link TestPostgres}).
 */
class PostgresRolesIT extends RolesIT {

    private static String url;
    private String schema;

    @BeforeAll
    static void requirePostgres() {
        url = TestPostgres.requireUrl();
    }

    @BeforeEach
    void newSchema() {
        schema = TestPostgres.newSchemaName("roles");
    }

    @Override
    protected void afterServersStopped() {
        TestPostgres.dropSchema(url, schema);
    }

    @Override
    protected Map<String, String> sharedDatabase() {
        return Map.of("DATABASE_URL", url, "DATABASE_SCHEMA", schema);
    }
}
