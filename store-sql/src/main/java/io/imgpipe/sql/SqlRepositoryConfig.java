package io.imgpipe.sql;

import io.imgpipe.ConfigurationException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of a {@link SqlProductRepository}. Immutable; start from {@link #forUrl(String)} (the
 * repository opens its own connections from a JDBC URL), {@link #forSqliteFile(Path)}, or
 * {@link #forDataSource()} (connections come from a {@link javax.sql.DataSource} given to the
 * builder), and change fields with the {@code withX} copies. {@link #toString()} never shows the
 * password.
 *
 * @param jdbcUrl a {@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://host[:port]/database}
 *     URL, or {@code null} when a data source is given to {@link SqlProductRepository.Builder#dataSource}
 * @param user the database user (PostgreSQL), or {@code null} for the URL's or the driver's default
 * @param password the user's password, or {@code null}
 * @param schema the PostgreSQL schema holding the tables (created if missing), or {@code null} for
 *     the connection's current schema (normally {@code public}); lower-case letters, digits and
 *     {@code _}. Not allowed with SQLite
 * @param maxPoolSize the most PostgreSQL connections the repository's own pool opens; default
 *     {@value #DEFAULT_MAX_POOL_SIZE}
 * @param readConnections the most SQLite read connections (writes use one connection of their
 *     own); default {@value #DEFAULT_READ_CONNECTIONS}
 * @param busyTimeout how long a SQLite statement waits for a lock held by another process before
 *     failing (retryably); default 10 seconds
 * @param connectionTimeout how long a caller waits for a pooled PostgreSQL connection; default 10 seconds
 */
public record SqlRepositoryConfig(String jdbcUrl, String user, String password, String schema, int maxPoolSize,
        int readConnections, Duration busyTimeout, Duration connectionTimeout) {

    /** The default size of the PostgreSQL pool. */
    public static final int DEFAULT_MAX_POOL_SIZE = 10;
    /**
     * The default number of SQLite read connections: as many as the engine's default I/O slots
     * (each checks its request after every image) so that status reads do not queue behind them.
     */
    public static final int DEFAULT_READ_CONNECTIONS = 16;

    private static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);

    /** Checks every field, naming the first one that is invalid. */
    public SqlRepositoryConfig {
        Dialect dialect = null;
        if (jdbcUrl != null) {
            try {
                dialect = Dialect.ofUrl(jdbcUrl);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("SqlRepositoryConfig.jdbcUrl must start with jdbc:sqlite: or"
                        + " jdbc:postgresql:, got '" + redacted(jdbcUrl) + "'");
            }
            if (jdbcUrl.length() == dialect.toString().length() + "jdbc::".length()) {
                throw new ConfigurationException("SqlRepositoryConfig.jdbcUrl names no database: '" + jdbcUrl + "'");
            }
        }
        if (schema != null) {
            if (!Tables.isValidSchema(schema)) {
                throw new ConfigurationException("SqlRepositoryConfig.schema '" + schema + "' must be 1 to 63 lower-case"
                        + " letters, digits or '_', not starting with a digit");
            }
            if (dialect == Dialect.SQLITE) {
                throw new ConfigurationException("SqlRepositoryConfig.schema is for PostgreSQL; SQLite keeps its"
                        + " tables in the database file");
            }
        }
        if (maxPoolSize < 1 || maxPoolSize > 1000) {
            throw new ConfigurationException("SqlRepositoryConfig.maxPoolSize must be between 1 and 1000, got " + maxPoolSize);
        }
        if (readConnections < 1 || readConnections > 64) {
            throw new ConfigurationException("SqlRepositoryConfig.readConnections must be between 1 and 64, got "
                    + readConnections);
        }
        requirePositive("busyTimeout", busyTimeout);
        requirePositive("connectionTimeout", connectionTimeout);
    }

    /**
     * {@return default settings for a repository that opens (and closes) its own connections}
     *
     * @param jdbcUrl a {@code jdbc:sqlite:} or {@code jdbc:postgresql:} URL
     * @throws ConfigurationException if the URL is missing or of another database
     */
    public static SqlRepositoryConfig forUrl(String jdbcUrl) {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            throw new ConfigurationException("SqlRepositoryConfig.jdbcUrl is required by forUrl");
        }
        return new SqlRepositoryConfig(jdbcUrl.trim(), null, null, null, DEFAULT_MAX_POOL_SIZE,
                DEFAULT_READ_CONNECTIONS, DEFAULT_BUSY_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT);
    }

    /**
     * {@return default settings for that file}
     *
     * @param file the SQLite database file; created, with its tables, if missing
     */
    public static SqlRepositoryConfig forSqliteFile(Path file) {
        return forUrl("jdbc:sqlite:" + file.toAbsolutePath().normalize());
    }

    /** {@return default settings for a repository built with a given data source (no URL)} */
    public static SqlRepositoryConfig forDataSource() {
        return new SqlRepositoryConfig(null, null, null, null, DEFAULT_MAX_POOL_SIZE, DEFAULT_READ_CONNECTIONS,
                DEFAULT_BUSY_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT);
    }

    /**
     * {@return a copy with it}
     *
     * @param value the user, or {@code null}
     */
    public SqlRepositoryConfig withUser(String value) {
        return new SqlRepositoryConfig(jdbcUrl, value, password, schema, maxPoolSize, readConnections, busyTimeout,
                connectionTimeout);
    }

    /**
     * {@return a copy with it}
     *
     * @param value the password, or {@code null}
     */
    public SqlRepositoryConfig withPassword(String value) {
        return new SqlRepositoryConfig(jdbcUrl, user, value, schema, maxPoolSize, readConnections, busyTimeout,
                connectionTimeout);
    }

    /**
     * {@return a copy with it}
     *
     * @param value the PostgreSQL schema, or {@code null}
     */
    public SqlRepositoryConfig withSchema(String value) {
        return new SqlRepositoryConfig(jdbcUrl, user, password, value, maxPoolSize, readConnections, busyTimeout,
                connectionTimeout);
    }

    /**
     * {@return a copy with it}
     *
     * @param value the most pooled PostgreSQL connections
     */
    public SqlRepositoryConfig withMaxPoolSize(int value) {
        return new SqlRepositoryConfig(jdbcUrl, user, password, schema, value, readConnections, busyTimeout,
                connectionTimeout);
    }

    /**
     * {@return a copy with it}
     *
     * @param value the most SQLite read connections
     */
    public SqlRepositoryConfig withReadConnections(int value) {
        return new SqlRepositoryConfig(jdbcUrl, user, password, schema, maxPoolSize, value, busyTimeout,
                connectionTimeout);
    }

    /**
     * {@return a copy with it}
     *
     * @param value the SQLite busy timeout
     */
    public SqlRepositoryConfig withBusyTimeout(Duration value) {
        return new SqlRepositoryConfig(jdbcUrl, user, password, schema, maxPoolSize, readConnections, value,
                connectionTimeout);
    }

    /**
     * {@return a copy with it}
     *
     * @param value the pool's connection timeout
     */
    public SqlRepositoryConfig withConnectionTimeout(Duration value) {
        return new SqlRepositoryConfig(jdbcUrl, user, password, schema, maxPoolSize, readConnections, busyTimeout,
                value);
    }

    /** Shows everything but the password (and any password in the URL). */
    @Override
    public String toString() {
        return "SqlRepositoryConfig[jdbcUrl=" + (jdbcUrl == null ? "(data source)" : redacted(jdbcUrl)) + ", user=" + user
                + ", password=" + (password == null ? "none" : "***") + ", schema=" + schema + ", maxPoolSize="
                + maxPoolSize + ", readConnections=" + readConnections + ", busyTimeout=" + busyTimeout
                + ", connectionTimeout=" + connectionTimeout + "]";
    }

    /** {@return the URL with the value of any {@code password=} parameter hidden} */
    static String redacted(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new ConfigurationException("SqlRepositoryConfig." + name + " must be positive, got " + value);
        }
    }
}
