package io.imgpipe.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.imgpipe.RepositoryException;
import java.sql.SQLException;

/** Opens the HikariCP pool a repository owns for a PostgreSQL URL (the only class that touches HikariCP). */
final class PostgresPool {

    private PostgresPool() {
    }

    /**
     * {@return the database on a new pool, which it closes}
     *
     * @param config the settings, with a URL
     * @throws RepositoryException if the pool cannot connect
     */
    static PostgresDatabase open(SqlRepositoryConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("imgpipe-sql");
        hikari.setJdbcUrl(config.jdbcUrl());
        if (config.user() != null) {
            hikari.setUsername(config.user());
        }
        if (config.password() != null) {
            hikari.setPassword(config.password());
        }
        hikari.setMaximumPoolSize(config.maxPoolSize());
        hikari.setMinimumIdle(Math.min(2, config.maxPoolSize()));
        hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
        hikari.addDataSourceProperty("ApplicationName", "imgpipe");
        try {
            HikariDataSource pool = new HikariDataSource(hikari);
            return new PostgresDatabase(pool, pool);
        } catch (HikariPool.PoolInitializationException e) {
            boolean retryable = e.getCause() instanceof SQLException sql && SqlErrors.isRetryable(sql, Dialect.POSTGRESQL);
            throw new RepositoryException("connecting to PostgreSQL at " + SqlRepositoryConfig.redacted(config.jdbcUrl())
                    + " failed: " + e.getMessage(), e, retryable);
        }
    }
}
