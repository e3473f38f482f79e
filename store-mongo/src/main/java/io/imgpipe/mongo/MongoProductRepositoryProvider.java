package io.imgpipe.mongo;

import com.mongodb.ConnectionString;
import io.imgpipe.ConfigurationException;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.ProductRepositoryProvider;
import io.imgpipe.spi.ProviderConfig;

/**
 * Creates a {@link MongoProductRepository} by the name {@value #NAME}, from properties:
 * <ul>
 *   <li>{@value #URI} (required): the connection string; the repository creates its own client
 *       and closes it when closed;
 *   <li>{@value #DATABASE}: the database; default the database named in the connection string, else
 *       {@value MongoRepositoryConfig#DEFAULT_DATABASE};
 *   <li>{@value #COLLECTION_PREFIX}: prepended to the collection names; default none;
 *   <li>{@value #INSERT_BATCH_SIZE}: documents per {@code insertMany}; default
 *       {@value MongoRepositoryConfig#DEFAULT_INSERT_BATCH_SIZE};
 *   <li>{@value #CREATION_TIMEOUT}: how long a create may stay unfinished before it is deleted as
 *       abandoned, for example {@code 15m}; default 15 minutes.
 * </ul>
 * Registered in {@code META-INF/services/io.imgpipe.spi.ProductRepositoryProvider}. Stateless and
 * thread-safe.
 */
public final class MongoProductRepositoryProvider implements ProductRepositoryProvider {

    /** The name the repository is chosen by. */
    public static final String NAME = "mongo";
    /** Property: the connection string (required). */
    public static final String URI = "imgpipe.mongo.uri";
    /** Property: the database name. */
    public static final String DATABASE = "imgpipe.mongo.database";
    /** Property: the collection name prefix. */
    public static final String COLLECTION_PREFIX = "imgpipe.mongo.collection-prefix";
    /** Property: documents per insert batch. */
    public static final String INSERT_BATCH_SIZE = "imgpipe.mongo.insert-batch-size";
    /** Property: the creation timeout. */
    public static final String CREATION_TIMEOUT = "imgpipe.mongo.creation-timeout";

    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public MongoProductRepositoryProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * {@return a connected repository owning its client}
     *
     * @param config the properties listed on this class
     * @throws ConfigurationException if {@value #URI} is missing or a property is invalid
     * @throws io.imgpipe.RepositoryException if the database cannot be reached
     */
    @Override
    public ProductRepository create(ProviderConfig config) {
        return MongoProductRepository.builder(toConfig(config)).build();
    }

    /**
     * {@return the repository settings they describe}
     *
     * @param properties the provider properties
     * @throws ConfigurationException naming the property that is missing or invalid
     */
    public static MongoRepositoryConfig toConfig(ProviderConfig properties) {
        String uri = properties.require(URI);
        String uriDatabase;
        try {
            uriDatabase = new ConnectionString(uri).getDatabase();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("property " + URI + " is not a valid MongoDB connection string: "
                    + e.getMessage(), e);
        }
        MongoRepositoryConfig defaults = MongoRepositoryConfig.forUri(uri);
        return defaults
                .withDatabase(properties.get(DATABASE).orElse(uriDatabase != null ? uriDatabase : defaults.database()))
                .withCollectionPrefix(properties.get(COLLECTION_PREFIX).orElse(defaults.collectionPrefix()))
                .withInsertBatchSize(properties.getInt(INSERT_BATCH_SIZE, defaults.insertBatchSize()))
                .withCreationTimeout(properties.getDuration(CREATION_TIMEOUT, defaults.creationTimeout()));
    }
}
