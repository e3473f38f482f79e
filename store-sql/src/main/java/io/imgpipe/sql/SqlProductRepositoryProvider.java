package io.imgpipe.sql;

import io.imgpipe.ConfigurationException;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.ProductRepositoryProvider;
import io.imgpipe.spi.ProviderConfig;
import java.time.Duration;

/**
 * Creates a {@link SqlProductRepository} by the name {@value #NAME}, from properties:
 * <ul>
 *   <li>{@value #URL} (required): a {@code jdbc:sqlite:<file>} or {@code jdbc:postgresql:} URL; the
 *       repository opens its own connections and closes them when closed;
 *   <li>{@value #USER}, {@value #PASSWORD}: the PostgreSQL credentials, unless the URL has them;
 *   <li>{@value #SCHEMA}: the PostgreSQL schema; default the connection's current schema;
 *   <li>{@value #POOL_SIZE}: the most pooled PostgreSQL connections; default
 *       {@value SqlRepositoryConfig#DEFAULT_MAX_POOL_SIZE};
 *   <li>{@value #READ_CONNECTIONS}: the most SQLite read connections; default
 *       {@value SqlRepositoryConfig#DEFAULT_READ_CONNECTIONS};
 *   <li>{@value #BUSY_TIMEOUT}: how long SQLite waits for another process's lock, for example
 *       {@code 10s}.
 * </ul>
 * Registered in {@code META-INF/services/io.imgpipe.spi.ProductRepositoryProvider}. Stateless and
 * thread-safe.
 */
public final class SqlProductRepositoryProvider implements ProductRepositoryProvider {

    /** The name the repository is chosen by. */
    public static final String NAME = "sql";
    /** Property: the JDBC URL (required). */
    public static final String URL = "imgpipe.sql.url";
    /** Property: the database user. */
    public static final String USER = "imgpipe.sql.user";
    /** Property: the user's password. */
    public static final String PASSWORD = "imgpipe.sql.password";
    /** Property: the PostgreSQL schema. */
    public static final String SCHEMA = "imgpipe.sql.schema";
    /** Property: the PostgreSQL pool size. */
    public static final String POOL_SIZE = "imgpipe.sql.pool-size";
    /** Property: the number of SQLite read connections. */
    public static final String READ_CONNECTIONS = "imgpipe.sql.read-connections";
    /** Property: the SQLite busy timeout. */
    public static final String BUSY_TIMEOUT = "imgpipe.sql.busy-timeout";

    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public SqlProductRepositoryProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * {@return a connected, migrated repository owning its connections}
     *
     * @param config the properties listed on this class
     * @throws ConfigurationException if {@value #URL} is missing or a property is invalid
     * @throws io.imgpipe.RepositoryException if the database cannot be reached or migrated
     */
    @Override
    public ProductRepository create(ProviderConfig config) {
        return SqlProductRepository.builder(toConfig(config)).build();
    }

    /**
     * {@return the repository settings they describe}
     *
     * @param properties the provider properties
     * @throws ConfigurationException naming the property that is missing or invalid
     */
    public static SqlRepositoryConfig toConfig(ProviderConfig properties) {
        String url = properties.require(URL);
        SqlRepositoryConfig defaults;
        try {
            defaults = SqlRepositoryConfig.forUrl(url);
        } catch (ConfigurationException e) {
            throw new ConfigurationException("property " + URL + ": " + e.getMessage(), e);
        }
        Duration busyTimeout = properties.getDuration(BUSY_TIMEOUT, defaults.busyTimeout());
        try {
            return defaults.withUser(properties.get(USER).orElse(null))
                    .withPassword(properties.get(PASSWORD).orElse(null))
                    .withSchema(properties.get(SCHEMA).orElse(null))
                    .withMaxPoolSize(properties.getInt(POOL_SIZE, defaults.maxPoolSize()))
                    .withReadConnections(properties.getInt(READ_CONNECTIONS, defaults.readConnections()))
                    .withBusyTimeout(busyTimeout);
        } catch (ConfigurationException e) {
            throw new ConfigurationException(e.getMessage().replace("SqlRepositoryConfig.schema", SCHEMA)
                    .replace("SqlRepositoryConfig.maxPoolSize", POOL_SIZE)
                    .replace("SqlRepositoryConfig.readConnections", READ_CONNECTIONS)
                    .replace("SqlRepositoryConfig.busyTimeout", BUSY_TIMEOUT), e);
        }
    }
}
