package io.imgpipe.sql;

import io.imgpipe.RepositoryException;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and migrates the schema with Flyway: versioned SQL scripts per database under
 * {@code io/imgpipe/sql/migration/<sqlite|postgresql>}, recorded in the table
 * {@value #HISTORY_TABLE}. Each script runs in a transaction (both databases have transactional
 * DDL), and on PostgreSQL Flyway holds an advisory lock while it migrates, so processes starting
 * together migrate once. A database that already holds other tables is baselined at version 0,
 * so imgpipe's tables can live beside an application's.
 */
final class Migrations {

    static final String HISTORY_TABLE = "imgpipe_schema_history";

    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {
    }

    /**
     * {@return the schema version now in force}
     *
     * @param dialect the database
     * @param dataSource connections to it
     * @param schema the PostgreSQL schema, or {@code null}
     * @throws RepositoryException if migrating fails
     */
    static String migrate(Dialect dialect, DataSource dataSource, String schema) {
        FluentConfiguration configuration = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations(dialect.migrationLocation())
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .failOnMissingLocations(true);
        if (schema != null) {
            configuration.schemas(schema).createSchemas(true);
        }
        try {
            MigrateResult result = configuration.load().migrate();
            String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
            if (result.migrationsExecuted > 0) {
                log.info("{} schema migrated from version {} to {}", dialect, result.initialSchemaVersion, version);
            }
            return version;
        } catch (FlywayException e) {
            Throwable cause = e.getCause();
            boolean retryable = cause instanceof SQLException sql && SqlErrors.isRetryable(sql, dialect);
            throw new RepositoryException("migrating the " + dialect + " schema failed: " + e.getMessage(), e, retryable);
        }
    }
}
