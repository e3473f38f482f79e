package io.imgpipe.server;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.imgpipe.local.FileSystemObjectStore;
import io.imgpipe.local.FileSystemStoreConfig;
import io.imgpipe.mongo.MongoProductRepository;
import io.imgpipe.mongo.MongoRepositoryConfig;
import io.imgpipe.s3.S3ObjectStore;
import io.imgpipe.server.ServerConfig.PostgresSettings;
import io.imgpipe.server.ServerConfig.S3Settings;
import io.imgpipe.spi.ObjectStore;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.sql.SqlProductRepository;
import io.imgpipe.sql.SqlRepositoryConfig;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The repository and object store the server runs on, chosen by the configuration:
 * <ul>
 *   <li>neither {@code DATABASE_URL} nor {@code MONGODB_URI}: the {@link EmbeddedSqlite} store under
 *       {@code DATA_DIR} (a {@link SqlProductRepository} on one SQLite file);</li>
 *   <li>{@code DATABASE_URL}: a {@link SqlProductRepository} on PostgreSQL, with a pool of its own;</li>
 *   <li>{@code MONGODB_URI}: a {@link MongoProductRepository};</li>
 *   <li>no {@code S3_BUCKET_NAME}: a {@link FileSystemObjectStore} under {@code DATA_DIR/images},
 *       its files served by this server at {@code PUBLIC_BASE_URL/files/};</li>
 *   <li>{@code S3_BUCKET_NAME}: S3 (or an S3-compatible store).</li>
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} closes everything this opened, in reverse order: object store,
 * repository, MongoDB client, embedded store (releasing the data directory).
 */
final class Stores implements AutoCloseable {

    /** The directory under {@code DATA_DIR} that local images are stored in. */
    static final String IMAGES_DIR = "images";
    /** The path under the public base URL that local images are served at. */
    static final String FILES_PATH = "files";

    private static final Logger log = LoggerFactory.getLogger(Stores.class);

    private final ProductRepository repository;
    private final ObjectStore objectStore;
    private final FileSystemObjectStore localFiles;
    private final Deque<AutoCloseable> opened;

    private Stores(ProductRepository repository, ObjectStore objectStore, FileSystemObjectStore localFiles,
            Deque<AutoCloseable> opened) {
        this.repository = repository;
        this.objectStore = objectStore;
        this.localFiles = localFiles;
        this.opened = opened;
    }

    /**
     * Opens the repository and the object store.
     *
     * @param config the configuration
     * @param publicBaseUrl how clients reach this server, for the URLs of local files
     * @return the open stores
     * @throws io.imgpipe.ImgPipeException if something cannot be opened; what was opened is closed
     */
    static Stores open(ServerConfig config, URI publicBaseUrl) {
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            ProductRepository repository = openRepository(config, opened);
            FileSystemObjectStore localFiles = null;
            ObjectStore objectStore;
            if (config.s3() == null) {
                localFiles = new FileSystemObjectStore(new FileSystemStoreConfig(
                        config.dataDir().resolve(IMAGES_DIR), URI.create(publicBaseUrl + "/" + FILES_PATH + "/"),
                        config.fileStore().tempFileMaxAge(), config.fileStore().tempSweepInterval()));
                objectStore = localFiles;
            } else {
                objectStore = newS3Store(config.s3());
            }
            opened.push(objectStore);
            log.info("stores: {} repository, {} object store", config.embeddedStore() ? "embedded SQLite"
                    : config.postgres() != null ? "PostgreSQL " + config.postgres() : "MongoDB " + config.mongo(),
                    localFiles != null ? "file-system (" + localFiles.root() + ")" : "S3 (bucket " + config.s3().store().bucket() + ")");
            return new Stores(repository, objectStore, localFiles, opened);
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    /** The product repository. */
    ProductRepository repository() {
        return repository;
    }

    /** The object store output images go to. */
    ObjectStore objectStore() {
        return objectStore;
    }

    /** The local image store this server serves at {@code /files/}; empty when images go to S3. */
    Optional<FileSystemObjectStore> localFiles() {
        return Optional.ofNullable(localFiles);
    }

    @Override
    public void close() {
        closeAll(opened);
    }

    private static ProductRepository openRepository(ServerConfig config, Deque<AutoCloseable> opened) {
        if (config.embeddedStore()) {
            EmbeddedSqlite embedded = EmbeddedSqlite.open(config.dataDir(), Clock.systemUTC());
            opened.push(embedded);
            return embedded.repository();
        }
        if (config.postgres() != null) {
            PostgresSettings postgres = config.postgres();
            SqlProductRepository repository = SqlProductRepository.builder(SqlRepositoryConfig.forUrl(postgres.url())
                    .withUser(postgres.user()).withPassword(postgres.password()).withSchema(postgres.schema()))
                    .build();
            opened.push(repository);
            return repository;
        }
        MongoClient client = newClient(config.mongo().uri());
        opened.push(client);
        MongoProductRepository repository = MongoProductRepository
                .builder(MongoRepositoryConfig.forClient().withDatabase(config.mongo().database()))
                .client(client)
                .build();
        opened.push(repository);
        return repository;
    }

    private static MongoClient newClient(String connectionString) {
        ConnectionString parsed = new ConnectionString(connectionString);
        MongoClientSettings.Builder settings = MongoClientSettings.builder().applyConnectionString(parsed);
        if (parsed.getApplicationName() == null) {
            settings.applicationName("imgpipe-example-server");
        }
        return MongoClients.create(settings.build());
    }

    private static ObjectStore newS3Store(S3Settings s3) {
        S3ObjectStore.Builder builder = S3ObjectStore.builder(s3.store());
        if (s3.accessKeyId() != null) {
            builder.credentialsProvider(credentials(s3));
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(S3Settings s3) {
        return StaticCredentialsProvider.create(s3.sessionToken() == null
                ? AwsBasicCredentials.create(s3.accessKeyId(), s3.secretAccessKey())
                : AwsSessionCredentials.create(s3.accessKeyId(), s3.secretAccessKey(), s3.sessionToken()));
    }

    private static void closeAll(Deque<AutoCloseable> opened) {
        while (!opened.isEmpty()) {
            AutoCloseable next = opened.pop();
            try {
                next.close();
            } catch (Exception e) {
                log.warn("closing {} failed", next, e);
            }
        }
    }
}
