package io.imgpipe.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.imgpipe.ConfigurationException;
import io.imgpipe.RepositoryException;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.ImageOutput;
import io.imgpipe.spi.Lease;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.ProductRecord;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.RequestCursor;
import io.imgpipe.spi.RequestRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.bson.Document;

/**
 * A {@link ProductRepository} on MongoDB, shared by any number of workers in any number of
 * processes. It needs no transactions, so it runs on a standalone server as well as on a replica
 * set. Four collections (names prefixed by {@link MongoRepositoryConfig#collectionPrefix()}):
 * <ul>
 *   <li>{@code requests}: one document per request, with its life-cycle state, its place in the
 *       claim turns, final status and notification lease;
 *   <li>{@code tasks}: the work queue, one document per distinct source URL of a request, with its
 *       lease; a claim takes one task of each request in turn with a {@code findOneAndUpdate}, and
 *       every later write is fenced by the lease token;
 *   <li>{@code products}: one document per product with the original fields ({@code requestId},
 *       {@code serialNumber}, {@code productName}, {@code status}, {@code images} with {@code url}
 *       and {@code compressedUrl}); each image copy shows its task's outcome once the task has
 *       ended, and reads take the state of unfinished images from the tasks;
 *   <li>{@code counters}: the counter the claim turns are numbered with.
 * </ul>
 * The project's {@code docs/store-mongo.md} describes the documents, the indexes and the
 * query each serves.
 *
 * <p>Progress counts of unfinished requests ({@link #findRequest}, {@link #listRequests}) are
 * counted from the tasks, not kept on the request: without transactions a counter on the request
 * is a second write after each task write, and a process that dies between the two, or a counter
 * write that fails, would leave it wrong for good. A page of {@link #listRequests} counts all its
 * unfinished requests with one aggregation, answered from an index without reading the tasks; it
 * costs in proportion to their tasks. A finished request's counts are recorded when it finishes.
 *
 * <p>Build one with {@link #builder(MongoRepositoryConfig)}; building creates the indexes (an
 * idempotent operation), upgrades documents of earlier versions and runs housekeeping once. Instances are thread-safe. {@link #close()}
 * closes the {@link MongoClient} only if this repository created it from
 * {@link MongoRepositoryConfig#connectionString()}; a client given to the builder stays open and
 * belongs to the caller.
 *
 * <p>Times are stored as BSON dates, which hold milliseconds: instants read back are truncated to
 * the millisecond. Writes use the client's write concern; a replica set's default
 * ({@code majority}) is what makes a returned {@link #create} durable across failover.
 */
public final class MongoProductRepository implements ProductRepository {

    private static final int PRODUCTS_PER_READ = 500;

    private final MongoClient client;
    private final boolean ownsClient;
    private final MongoDatabase database;
    private final MongoCollections collections;
    private final RequestCreator creator;
    private final TaskQueue queue;
    private final ProductPages pages;
    private final RequestLifecycle lifecycle;
    private final Housekeeping housekeeping;
    private final Clock clock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MongoProductRepository(MongoRepositoryConfig config, MongoClient client, boolean ownsClient, Clock clock) {
        this.clock = clock;
        this.client = client;
        this.ownsClient = ownsClient;
        this.database = client.getDatabase(config.database());
        this.collections = MongoCollections.open(database, config);
        Turns turns = new Turns(collections);
        this.creator = new RequestCreator(collections, turns, config.insertBatchSize(), clock);
        this.queue = new TaskQueue(collections, turns, new ProductCopies(collections));
        this.pages = new ProductPages(collections, PRODUCTS_PER_READ);
        this.lifecycle = new RequestLifecycle(collections, queue, pages);
        this.housekeeping = new Housekeeping(collections, creator, clock, config.creationTimeout(),
                config.maintenanceInterval());
    }

    /**
     * {@return a builder; give it a {@link MongoClient} unless the config has a connection string}
     *
     * @param config the settings
     */
    public static Builder builder(MongoRepositoryConfig config) {
        return new Builder(config);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The request document is written first in state {@code creating}, then the tasks (in a
     * state no claim matches) and products in unordered batches of
     * {@link MongoRepositoryConfig#insertBatchSize()}, then the request is committed with one
     * conditional update and its tasks released. A failure before the commit marks the request
     * {@code abandoned} and deletes what was written (or, if the process died, housekeeping does
     * after {@link MongoRepositoryConfig#creationTimeout()}); the invisible marker keeps the
     * request id taken for one more creation timeout. A commit that reports an error but did land
     * counts as success.
     *
     * @throws IllegalArgumentException if a task id is empty or contains {@code /}
     */
    @Override
    public void create(NewRequest request) {
        Objects.requireNonNull(request, "request");
        ensureOpen();
        creator.create(request);
    }

    @Override
    public Optional<RequestRecord> findRequest(String requestId) {
        ensureOpen();
        if (requestId == null) {
            return Optional.empty();
        }
        return call("finding request " + requestId, () -> lifecycle.find(requestId));
    }

    @Override
    public void forEachProduct(String requestId, Consumer<ProductRecord> action) {
        visibleRequest(requestId, action).ifPresent(doc -> run("reading the products of request " + requestId,
                () -> pages.forEach(requestId, doc.getInteger(Schema.Requests.PRODUCT_COUNT), action)));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Products are read in pages through an index on the request, serial number and row index,
     * each page after the last product of the previous one, so the request is never held or sorted
     * in memory; no cursor stays open while the action runs.
     */
    @Override
    public void forEachProductBySerialNumber(String requestId, Consumer<ProductRecord> action) {
        visibleRequest(requestId, action).ifPresent(doc -> run("reading the products of request " + requestId,
                () -> pages.forEachBySerial(requestId, action)));
    }

    /**
     * Checks what both product reads check first and finds the request.
     *
     * @return the request's document, or empty if there is no visible request
     */
    private Optional<Document> visibleRequest(String requestId, Consumer<ProductRecord> action) {
        Objects.requireNonNull(action, "action");
        ensureOpen();
        if (requestId == null) {
            return Optional.empty();
        }
        return call("finding request " + requestId, () -> lifecycle.visible(requestId));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The open requests are read in turn order (skipping those known to have nothing claimable
     * before {@code now}) and each is asked for one task with a {@code findOneAndUpdate}, round
     * after round, so a claim of {@code k} tasks costs about {@code k} such updates, one probe per
     * request found idle, one read of the requests and one write of their new turns. Within a
     * request, tasks claimed before (due retries, released tasks, expired leases) go first, then
     * new ones.
     */
    @Override
    public List<ClaimedTask> claim(String owner, int limit, Instant now, Duration lease) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        requirePositive(lease, "lease");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        ensureOpen();
        return queue.claim(owner, limit, now, lease);
    }

    @Override
    public boolean renew(Lease lease, Instant newExpiry) {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(newExpiry, "newExpiry");
        ensureOpen();
        return call("renewing the lease on task " + describe(lease), () -> queue.renew(lease, newExpiry));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The task is written first; then the outcome is copied into the products that show the
     * image, with one bulk write. If that second write fails or the process dies before it, the
     * copies are repaired before the request finishes.
     */
    @Override
    public boolean complete(Lease lease, ImageOutput output, Instant now) {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(now, "now");
        ensureOpen();
        return call("completing task " + describe(lease), () -> queue.complete(lease, output, now));
    }

    @Override
    public boolean retryLater(Lease lease, String error, Instant notBefore) {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(notBefore, "notBefore");
        ensureOpen();
        return call("deferring task " + describe(lease), () -> queue.retryLater(lease, error, notBefore));
    }

    @Override
    public boolean fail(Lease lease, String error, Instant now) {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(now, "now");
        ensureOpen();
        return call("failing task " + describe(lease), () -> queue.fail(lease, error, now));
    }

    @Override
    public boolean release(Lease lease, Instant notBefore) {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(notBefore, "notBefore");
        ensureOpen();
        return call("releasing task " + describe(lease), () -> queue.release(lease, notBefore));
    }

    /**
     * {@inheritDoc}
     *
     * <p>A request with a task left costs one indexed query. Before finishing, the product
     * documents' copies of the image outcomes are repaired from the tasks, so a finished request's
     * products read the same through {@code mongosh} as through {@link #forEachProduct}.
     */
    @Override
    public Optional<RequestRecord> finishIfDone(String requestId, String owner, Instant now, Duration notificationLease) {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        requirePositive(notificationLease, "notificationLease");
        ensureOpen();
        return call("finishing request " + requestId,
                () -> lifecycle.finishIfDone(requestId, owner, now, notificationLease));
    }

    /**
     * {@inheritDoc}
     *
     * <p>One query on the {@code newest_first} index, and one aggregation counting the images of the
     * page's unfinished requests (see the class comment).
     *
     * @throws IllegalArgumentException if {@code limit} is below 1
     */
    @Override
    public List<RequestRecord> listRequests(int limit, RequestCursor before) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        ensureOpen();
        return call("listing requests", () -> lifecycle.list(limit, before));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Also runs housekeeping when {@link MongoRepositoryConfig#maintenanceInterval()} has passed
     * since its last run in this repository.
     */
    @Override
    public List<String> findFinishable(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        ensureOpen();
        housekeeping.runIfDue();
        return call("finding finishable requests", () -> lifecycle.findFinishable(limit));
    }

    @Override
    public List<RequestRecord> claimNotifications(String owner, int limit, Instant now, Duration lease) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        requirePositive(lease, "lease");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        ensureOpen();
        return call("claiming notifications for " + owner, () -> lifecycle.claimNotifications(owner, limit, now, lease));
    }

    @Override
    public boolean renewNotification(String requestId, String owner, Instant newExpiry) {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(newExpiry, "newExpiry");
        ensureOpen();
        return call("renewing the notification of request " + requestId,
                () -> lifecycle.renewNotification(requestId, owner, newExpiry));
    }

    @Override
    public boolean markNotified(String requestId, String owner, Instant now) {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        ensureOpen();
        return call("marking request " + requestId + " notified", () -> lifecycle.markNotified(requestId, owner, now));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The request is marked {@code abandoned} with one conditional update on its being
     * {@code finished} (its notification removed with it), then its products and tasks are
     * deleted; the invisible marker stays until housekeeping removes it after
     * {@link MongoRepositoryConfig#creationTimeout()}, as for a given-up creation, and housekeeping
     * finishes the deletion if this process dies half-way.
     */
    @Override
    public boolean deleteRequest(String requestId) {
        Objects.requireNonNull(requestId, "requestId");
        ensureOpen();
        return call("deleting request " + requestId, () -> lifecycle.delete(requestId, clock.instant()));
    }

    @Override
    public void ping() {
        ensureOpen();
        run("pinging MongoDB database " + database.getName(), () -> database.runCommand(new Document("ping", 1)));
    }

    /** Closes the client if this repository created it; a client given to the builder stays open. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && ownsClient) {
            client.close();
        }
    }

    /** Housekeeping now, regardless of the interval (for tests). */
    void runHousekeeping() {
        run("housekeeping", housekeeping::run);
    }

    MongoClient client() {
        return client;
    }

    MongoCollections collections() {
        return collections;
    }

    RequestCreator creator() {
        return creator;
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new RepositoryException("the MongoDB product repository is closed", null, false);
        }
    }

    private static <T> T call(String what, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (MongoException e) {
            throw MongoErrors.translate(what, e);
        }
    }

    private static void run(String what, Runnable operation) {
        call(what, () -> {
            operation.run();
            return null;
        });
    }

    private static String describe(Lease lease) {
        return lease.taskId() + " of request " + lease.requestId();
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }

    /**
     * Builds a {@link MongoProductRepository}. Not thread-safe; use once.
     */
    public static final class Builder {

        private final MongoRepositoryConfig config;
        private MongoClient client;
        private Clock clock = Clock.systemUTC();

        private Builder(MongoRepositoryConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /**
         * {@return this builder}
         *
         * @param value a client to use; it stays the caller's, and closing the repository leaves it open
         */
        public Builder client(MongoClient value) {
            this.client = Objects.requireNonNull(value, "client");
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param value the clock housekeeping measures the creation timeout and its interval with
         *     (request times come from callers); default the system clock
         */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Connects (creating a client from the connection string if none was given), creates the
         * indexes (dropping those of earlier versions), gives unfinished requests of earlier
         * versions their place in the claim turns, and runs housekeeping once (a housekeeping
         * failure is logged, not thrown).
         *
         * @return the repository
         * @throws ConfigurationException if there is neither a client nor a connection string, or both
         * @throws RepositoryException if the database cannot be reached or the indexes not created
         */
        public MongoProductRepository build() {
            boolean ownsClient = client == null;
            if (ownsClient && config.connectionString() == null) {
                throw new ConfigurationException("MongoRepositoryConfig.connectionString is required when no "
                        + "MongoClient is given to MongoProductRepository.builder(..).client(..)");
            }
            if (!ownsClient && config.connectionString() != null) {
                throw new ConfigurationException("MongoRepositoryConfig.connectionString must be null when a "
                        + "MongoClient is given; the client's own settings decide where it connects");
            }
            MongoClient actual = ownsClient ? createClient(config.connectionString()) : client;
            MongoProductRepository repository = new MongoProductRepository(config, actual, ownsClient, clock);
            try {
                repository.collections.prepare();
                repository.housekeeping.runIfDue();
                return repository;
            } catch (MongoException e) {
                repository.close();
                throw MongoErrors.translate("preparing the MongoDB collections in database " + config.database(), e);
            } catch (RuntimeException e) {
                repository.close();
                throw e;
            }
        }

        private static MongoClient createClient(String connectionString) {
            ConnectionString parsed = new ConnectionString(connectionString);
            MongoClientSettings.Builder settings = MongoClientSettings.builder().applyConnectionString(parsed);
            if (parsed.getApplicationName() == null) {
                settings.applicationName("imgpipe");
            }
            return MongoClients.create(settings.build());
        }
    }
}
