package io.imgpipe.mongo;

import com.mongodb.ConnectionString;
import io.imgpipe.ConfigurationException;
import java.time.Duration;
import java.nio.charset.StandardCharsets;

/**
 * Settings of a {@link MongoProductRepository}. Immutable; start from {@link #forUri(String)} (the
 * repository creates and owns its client) or {@link #forClient()} (a client is given to the
 * builder) and change fields with the {@code withX} copies.
 *
 * @param connectionString a {@code mongodb://} or {@code mongodb+srv://} connection string the
 *     repository connects with, or {@code null} when a {@link com.mongodb.client.MongoClient} is given
 *     to {@link MongoProductRepository.Builder#client}
 * @param database the database holding the collections; default {@value #DEFAULT_DATABASE}
 * @param collectionPrefix prepended to the collection names {@code requests}, {@code products},
 *     {@code tasks} and {@code counters}, so several installations can share one database; default empty
 * @param insertBatchSize how many documents one {@code insertMany} writes when a request is
 *     created; default {@value #DEFAULT_INSERT_BATCH_SIZE}
 * @param creationTimeout how long a request may stay half-created before any repository on the
 *     same database treats its creator as dead and deletes what it wrote; must exceed the longest
 *     create you expect; default 15 minutes
 * @param maintenanceInterval how often housekeeping (deleting abandoned creations, releasing the
 *     tasks of requests whose creator died right after committing) runs, piggy-backed on
 *     {@link MongoProductRepository#findFinishable}; it also runs once when the repository is
 *     built; default 1 minute
 */
public record MongoRepositoryConfig(String connectionString, String database, String collectionPrefix,
        int insertBatchSize, Duration creationTimeout, Duration maintenanceInterval) {

    /** The default database name. */
    public static final String DEFAULT_DATABASE = "imgpipe";
    /** The default number of documents per {@code insertMany}. */
    public static final int DEFAULT_INSERT_BATCH_SIZE = 1000;
    /** The largest accepted {@link #insertBatchSize()}. */
    public static final int MAX_INSERT_BATCH_SIZE = 100_000;

    private static final Duration DEFAULT_CREATION_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration DEFAULT_MAINTENANCE_INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_DATABASE_NAME_BYTES = 63;
    private static final int MAX_PREFIX_LENGTH = 64;

    /** Checks every field, naming the first one that is invalid. */
    public MongoRepositoryConfig {
        if (connectionString != null) {
            if (connectionString.isBlank()) {
                throw new ConfigurationException("MongoRepositoryConfig.connectionString must not be blank; "
                        + "use null when a MongoClient is given");
            }
            try {
                new ConnectionString(connectionString);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("MongoRepositoryConfig.connectionString is not a valid MongoDB "
                        + "connection string: " + e.getMessage(), e);
            }
        }
        requireValidDatabaseName(database);
        requireValidPrefix(collectionPrefix);
        if (insertBatchSize < 1 || insertBatchSize > MAX_INSERT_BATCH_SIZE) {
            throw new ConfigurationException("MongoRepositoryConfig.insertBatchSize must be between 1 and "
                    + MAX_INSERT_BATCH_SIZE + ", got " + insertBatchSize);
        }
        requirePositive("creationTimeout", creationTimeout);
        requirePositive("maintenanceInterval", maintenanceInterval);
    }

    /**
     * {@return default settings for a repository that creates (and closes) its own client, on the
     *     database the connection string names, else {@value #DEFAULT_DATABASE}}
     *
     * @param connectionString the connection string the repository connects with
     * @throws ConfigurationException if the connection string is missing or malformed
     */
    public static MongoRepositoryConfig forUri(String connectionString) {
        if (connectionString == null) {
            throw new ConfigurationException("MongoRepositoryConfig.connectionString is required by forUri");
        }
        String named;
        try {
            named = new ConnectionString(connectionString).getDatabase();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("MongoRepositoryConfig.connectionString is not a valid MongoDB connection"
                    + " string: " + e.getMessage(), e);
        }
        return new MongoRepositoryConfig(connectionString, named == null || named.isBlank() ? DEFAULT_DATABASE : named,
                "", DEFAULT_INSERT_BATCH_SIZE, DEFAULT_CREATION_TIMEOUT, DEFAULT_MAINTENANCE_INTERVAL);
    }

    /** {@return default settings for a repository built with a given client (no connection string)} */
    public static MongoRepositoryConfig forClient() {
        return new MongoRepositoryConfig(null, DEFAULT_DATABASE, "", DEFAULT_INSERT_BATCH_SIZE,
                DEFAULT_CREATION_TIMEOUT, DEFAULT_MAINTENANCE_INTERVAL);
    }

    /**
     * {@return a copy with it}
     *
     * @param value the database name
     */
    public MongoRepositoryConfig withDatabase(String value) {
        return new MongoRepositoryConfig(connectionString, value, collectionPrefix, insertBatchSize, creationTimeout,
                maintenanceInterval);
    }

    /**
     * {@return a copy with it}
     *
     * @param value the collection prefix, possibly empty
     */
    public MongoRepositoryConfig withCollectionPrefix(String value) {
        return new MongoRepositoryConfig(connectionString, database, value, insertBatchSize, creationTimeout,
                maintenanceInterval);
    }

    /**
     * {@return a copy with it}
     *
     * @param value documents per {@code insertMany}
     */
    public MongoRepositoryConfig withInsertBatchSize(int value) {
        return new MongoRepositoryConfig(connectionString, database, collectionPrefix, value, creationTimeout,
                maintenanceInterval);
    }

    /**
     * {@return a copy with it}
     *
     * @param value how long a create may stay unfinished before it is deleted
     */
    public MongoRepositoryConfig withCreationTimeout(Duration value) {
        return new MongoRepositoryConfig(connectionString, database, collectionPrefix, insertBatchSize, value,
                maintenanceInterval);
    }

    /**
     * {@return a copy with it}
     *
     * @param value how often housekeeping runs
     */
    public MongoRepositoryConfig withMaintenanceInterval(Duration value) {
        return new MongoRepositoryConfig(connectionString, database, collectionPrefix, insertBatchSize,
                creationTimeout, value);
    }

    /** {@return the name of the collection of requests, with the prefix} */
    public String requestsCollection() {
        return collectionPrefix + "requests";
    }

    /** {@return the name of the collection of products, with the prefix} */
    public String productsCollection() {
        return collectionPrefix + "products";
    }

    /** {@return the name of the collection of image tasks, with the prefix} */
    public String tasksCollection() {
        return collectionPrefix + "tasks";
    }

    /**
     * {@return the name of the collection of counters (the order in which requests take turns), with the prefix}
     */
    public String countersCollection() {
        return collectionPrefix + "counters";
    }

    private static void requireValidDatabaseName(String database) {
        if (database == null || database.isEmpty()) {
            throw new ConfigurationException("MongoRepositoryConfig.database must not be empty");
        }
        for (char c : database.toCharArray()) {
            if ("/\\. \"$*<>:|?".indexOf(c) >= 0 || c == 0) {
                throw new ConfigurationException("MongoRepositoryConfig.database '" + database
                        + "' contains the character '" + c + "', which MongoDB does not allow in database names");
            }
        }
        if (database.getBytes(StandardCharsets.UTF_8).length > MAX_DATABASE_NAME_BYTES) {
            throw new ConfigurationException("MongoRepositoryConfig.database '" + database + "' is longer than "
                    + MAX_DATABASE_NAME_BYTES + " bytes");
        }
    }

    private static void requireValidPrefix(String prefix) {
        if (prefix == null) {
            throw new ConfigurationException("MongoRepositoryConfig.collectionPrefix must not be null; use \"\" for none");
        }
        if (prefix.length() > MAX_PREFIX_LENGTH) {
            throw new ConfigurationException("MongoRepositoryConfig.collectionPrefix is longer than "
                    + MAX_PREFIX_LENGTH + " characters");
        }
        if (prefix.indexOf('$') >= 0 || prefix.indexOf('\0') >= 0 || prefix.startsWith("system.")
                || prefix.startsWith(".")) {
            throw new ConfigurationException("MongoRepositoryConfig.collectionPrefix '" + prefix
                    + "' is not allowed: it must not contain '$' or NUL, nor start with '.' or 'system.'");
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null) {
            throw new ConfigurationException("MongoRepositoryConfig." + name + " must not be null");
        }
        if (value.isZero() || value.isNegative()) {
            throw new ConfigurationException("MongoRepositoryConfig." + name + " must be positive, got " + value);
        }
    }
}
