package io.imgpipe.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL through a connection pool: each piece of work borrows a connection for one
 * transaction. Writes run at {@code READ COMMITTED} and are tried again at once, up to
 * {@value #MAX_CONFLICT_TRIES} times in all, when PostgreSQL aborts them for a deadlock or a
 * serialization failure; reads run in a {@code REPEATABLE READ, READ ONLY} transaction, so the
 * several statements of one read see one state.
 */
final class PostgresDatabase implements Database {

    private static final Logger log = LoggerFactory.getLogger(PostgresDatabase.class);
    private static final int MAX_CONFLICT_TRIES = 5;

    private final DataSource dataSource;
    private final AutoCloseable ownedPool;

    /**
     * Creates a {@code PostgresDatabase}.
     *
     * @param dataSource where connections come from
     * @param ownedPool closed by {@link #close()}: the pool this repository created, or {@code null}
     *     when the data source was given (and is never closed here)
     */
    PostgresDatabase(DataSource dataSource, AutoCloseable ownedPool) {
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
    }

    @Override
    public Dialect dialect() {
        return Dialect.POSTGRESQL;
    }

    @Override
    public <T> T write(String what, SqlWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return inTransaction(work, false);
            } catch (SQLException e) {
                if (SqlErrors.isConflict(e, Dialect.POSTGRESQL) && attempt < MAX_CONFLICT_TRIES) {
                    log.debug("{}: {} (try {}), trying again", what, e.getMessage(), attempt);
                    continue;
                }
                throw SqlErrors.wrap(what, e, Dialect.POSTGRESQL);
            }
        }
    }

    @Override
    public <T> T read(String what, SqlWork<T> work) {
        try {
            return inTransaction(work, true);
        } catch (SQLException e) {
            throw SqlErrors.wrap(what, e, Dialect.POSTGRESQL);
        }
    }

    private <T> T inTransaction(SqlWork<T> work, boolean readOnly) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                if (readOnly) {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                    }
                }
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(connection);
                throw e;
            } finally {
                if (autoCommit) {
                    connection.setAutoCommit(true);
                }
            }
        }
    }

    @Override
    public void close() {
        if (ownedPool == null) {
            return;
        }
        try {
            ownedPool.close();
        } catch (Exception e) {
            log.warn("closing the PostgreSQL connection pool failed", e);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.debug("rollback failed: {}", e.toString());
        }
    }
}
