package io.imgpipe.sql;

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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ProductRepository} on JDBC, for SQLite (embedded: one process, one file) and
 * PostgreSQL (shared by any number of workers in any number of processes).
 *
 * <p>Requests, products, images and tasks are rows; each task write, with the change it makes to
 * its request's image counts, is one transaction, so progress is read from the counts and never
 * by scanning tasks. A claim is one short transaction: requests with claimable tasks take turns,
 * least recently served first, and each gives its next claimable task in creation order. Every
 * later write about a task is one {@code UPDATE} by primary key that applies only while the task
 * is held under the lease's token. The project's {@code docs/store-sql.md} describes the tables,
 * indexes and queries.
 *
 * <ul>
 *   <li><b>SQLite</b> ({@code jdbc:sqlite:<file>}): WAL with {@code synchronous=FULL}, so a
 *       returned write has reached the disk. All writes go through one connection and are
 *       committed in groups (concurrent callers share one commit, each under a savepoint of its
 *       own); reads have connections of their own and do not wait for writes.
 *   <li><b>PostgreSQL</b> ({@code jdbc:postgresql:}): a HikariCP pool, or a {@link DataSource}
 *       given to the builder; claims lock the rows they take with {@code FOR UPDATE SKIP LOCKED}.
 * </ul>
 *
 * <p>Build one with {@link #builder(SqlRepositoryConfig)}; building creates or migrates the schema
 * (Flyway). Thread-safe. {@link #close()} closes only what the repository opened (its connections
 * or pool); a data source given to the builder stays open. Times are kept in microseconds: finer
 * parts of the instants passed in are dropped.
 */
public final class SqlProductRepository implements ProductRepository {

    private static final Logger log = LoggerFactory.getLogger(SqlProductRepository.class);

    private final Database database;
    private final Tables tables;
    private final String countPending;
    private final String schemaVersion;
    private final RequestCreator creator;
    private final ClaimQueue queue;
    private final TaskWrites tasks;
    private final RequestReader reader;
    private final RequestLifecycle lifecycle;
    private final Notifications notifications;
    private final SerialPageReader serialPages;
    private volatile boolean closed;

    private SqlProductRepository(Database database, Tables tables, String schemaVersion) {
        this.database = database;
        this.tables = tables;
        this.countPending = "SELECT COALESCE(SUM(c.pending), 0) FROM " + tables.counts() + " c JOIN " + tables.requests()
                + " r ON r.seq = c.request_seq WHERE r.finished_at IS NULL";
        this.schemaVersion = schemaVersion;
        Dialect dialect = database.dialect();
        RequestCounts counts = new RequestCounts(tables, dialect);
        this.creator = new RequestCreator(tables, dialect, counts);
        this.queue = new ClaimQueue(tables, dialect, counts);
        this.tasks = new TaskWrites(tables, dialect, counts);
        this.reader = new RequestReader(tables, dialect, counts);
        this.lifecycle = new RequestLifecycle(tables, dialect, reader, counts);
        this.notifications = new Notifications(tables, dialect, reader);
        this.serialPages = new SerialPageReader(database, reader);
    }

    /**
     * {@return a builder; give it a {@link DataSource} unless the config has a URL}
     *
     * @param config the settings
     */
    public static Builder builder(SqlRepositoryConfig config) {
        return new Builder(config);
    }

    /**
     * {@inheritDoc}
     *
     * <p>One transaction writes the request, its metadata, counts, tasks, products and images
     * (multi-row inserts of 500 rows).
     *
     * @throws RepositoryException (not retryable) if a request with that id exists
     */
    @Override
    public void create(NewRequest request) {
        Objects.requireNonNull(request, "request");
        ensureOpen();
        database.write("creating request " + request.requestId(), connection -> {
            creator.create(connection, request);
            return null;
        });
        log.debug("created request {} with {} products and {} tasks", request.requestId(), request.products().size(),
                request.tasks().size());
    }

    @Override
    public Optional<RequestRecord> findRequest(String requestId) {
        ensureOpen();
        if (requestId == null) {
            return Optional.empty();
        }
        return database.read("finding request " + requestId, connection -> reader.find(connection, requestId));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Products are read in pages of 1,000, each page in a transaction of its own, and the
     * action is called between reads, holding no connection: each product is consistent in
     * itself, and products read later may show later task writes.
     */
    @Override
    public void forEachProduct(String requestId, Consumer<ProductRecord> action) {
        String what = "reading the products of request " + requestId;
        Optional<Long> found = productsToRead(requestId, action, what);
        if (found.isEmpty()) {
            return;
        }
        long seq = found.get();
        int after = -1;
        while (true) {
            int from = after;
            List<ProductRecord> page = database.read(what, connection -> reader.productPage(connection, seq, from));
            page.forEach(action);
            if (page.size() < RequestReader.PRODUCTS_PER_PAGE) {
                return;
            }
            after = page.get(page.size() - 1).rowIndex();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Products are read in pages of 1,000 through an index on serial numbers, each page in a
     * transaction of its own, the next two read on this repository's page threads while the action
     * runs (the action itself runs on the calling thread): each product is consistent in itself,
     * and products read later may show later task writes.
     */
    @Override
    public void forEachProductBySerialNumber(String requestId, Consumer<ProductRecord> action) {
        String what = "reading the products of request " + requestId;
        productsToRead(requestId, action, what).ifPresent(seq -> serialPages.forEach(what, seq, action));
    }

    /**
     * Checks what both product reads check first and finds the request.
     *
     * @return the request's {@code seq}, or empty if there is no such request
     */
    private Optional<Long> productsToRead(String requestId, Consumer<ProductRecord> action, String what) {
        Objects.requireNonNull(action, "action");
        ensureOpen();
        if (requestId == null) {
            return Optional.empty();
        }
        return database.read(what, connection -> reader.row(connection, requestId)).map(RequestReader.RequestRow::seq);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Requests with claimable tasks take turns, least recently served first (never served
     * first, in creation order); each gives one task, in creation order, per round.
     *
     * @throws IllegalArgumentException if {@code limit} is below 1 or {@code lease} is not positive
     */
    @Override
    public List<ClaimedTask> claim(String owner, int limit, Instant now, Duration lease) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        requirePositive(lease, "lease");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        ensureOpen();
        return database.write("claiming tasks for " + owner,
                connection -> queue.claim(connection, owner, limit, now, lease));
    }

    @Override
    public boolean renew(Lease lease, Instant newExpiry) {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(newExpiry, "newExpiry");
        ensureOpen();
        return database.write("renewing the lease on task " + describe(lease),
                connection -> tasks.renew(connection, lease, newExpiry));
    }

    @Override
    public boolean complete(Lease lease, ImageOutput output, Instant now) {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(now, "now");
        ensureOpen();
        return database.write("completing task " + describe(lease),
                connection -> tasks.complete(connection, lease, output, now));
    }

    @Override
    public boolean retryLater(Lease lease, String error, Instant notBefore) {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(notBefore, "notBefore");
        ensureOpen();
        return database.write("deferring task " + describe(lease),
                connection -> tasks.retryLater(connection, lease, error, notBefore));
    }

    @Override
    public boolean fail(Lease lease, String error, Instant now) {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(now, "now");
        ensureOpen();
        return database.write("failing task " + describe(lease), connection -> tasks.fail(connection, lease, error, now));
    }

    @Override
    public boolean release(Lease lease, Instant notBefore) {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(notBefore, "notBefore");
        ensureOpen();
        return database.write("releasing task " + describe(lease),
                connection -> tasks.release(connection, lease, notBefore));
    }

    /**
     * {@inheritDoc}
     *
     * <p>A read first checks the request's counts, so a call while tasks are open (as after
     * almost every task) writes nothing; then one conditional update finishes it.
     *
     * @throws IllegalArgumentException if {@code notificationLease} is not positive
     */
    @Override
    public Optional<RequestRecord> finishIfDone(String requestId, String owner, Instant now, Duration notificationLease) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        requirePositive(notificationLease, "notificationLease");
        ensureOpen();
        if (requestId == null) {
            return Optional.empty();
        }
        String what = "finishing request " + requestId;
        if (!database.read(what, connection -> lifecycle.mayFinish(connection, requestId))) {
            return Optional.empty();
        }
        Instant expiry = now.plus(notificationLease);
        return database.write(what, connection -> lifecycle.finishIfDone(connection, requestId, owner, now, expiry));
    }

    /**
     * {@inheritDoc}
     *
     * <p>One indexed read of the requests ({@code imgpipe_requests_created}), then each request's
     * metadata and counts by key, in one read-only transaction.
     *
     * @throws IllegalArgumentException if {@code limit} is below 1
     */
    /**
     * {@inheritDoc}
     *
     * <p>One aggregate read: the counts of the requests not yet finished (a finished request has
     * no image pending), found through the index of unfinished requests.
     */
    @Override
    public long countPendingImages() {
        ensureOpen();
        return database.read("counting pending images", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(countPending);
                 ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0L;
            }
        });
    }

    @Override
    public List<RequestRecord> listRequests(int limit, RequestCursor before) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        ensureOpen();
        return database.read("listing requests", connection -> reader.newestFirst(connection, limit, before));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Least recently served first.
     */
    @Override
    public List<String> findFinishable(int limit) {
        ensureOpen();
        if (limit < 1) {
            return List.of();
        }
        return database.read("finding finishable requests", connection -> reader.findFinishable(connection, limit));
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code lease} is not positive
     */
    @Override
    public List<RequestRecord> claimNotifications(String owner, int limit, Instant now, Duration lease) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        requirePositive(lease, "lease");
        ensureOpen();
        if (limit < 1) {
            return List.of();
        }
        Instant expiry = now.plus(lease);
        return database.write("claiming notifications for " + owner,
                connection -> notifications.claim(connection, owner, limit, now, expiry));
    }

    @Override
    public boolean renewNotification(String requestId, String owner, Instant newExpiry) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(newExpiry, "newExpiry");
        ensureOpen();
        if (requestId == null) {
            return false;
        }
        return database.write("renewing the notification of request " + requestId,
                connection -> notifications.renew(connection, requestId, owner, newExpiry));
    }

    @Override
    public boolean markNotified(String requestId, String owner, Instant now) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        ensureOpen();
        if (requestId == null) {
            return false;
        }
        return database.write("marking request " + requestId + " notified",
                connection -> notifications.markNotified(connection, requestId, owner, now));
    }

    @Override
    public boolean deleteRequest(String requestId) {
        ensureOpen();
        if (requestId == null) {
            return false;
        }
        return database.write("deleting request " + requestId, connection -> lifecycle.delete(connection, requestId));
    }

    /**
     * Makes every task lease and every notification lease held now expire at {@code now}, so the
     * next claim (of tasks or notifications) at or after {@code now} takes them over at once
     * instead of after their leases; such a takeover counts as an abandoned claim
     * ({@link ClaimedTask#abandoned()}), not as an attempt. For a process starting on a database
     * that only it uses (the example server's SQLite file, which it holds a file lock on), whose
     * previous process died holding leases.
     *
     * <p><b>Only safe when no other process uses the database</b>: a live worker's tasks would be
     * claimed again and processed twice, and its later writes refused.
     *
     * @param now the current time
     * @return how many task leases were made to expire
     */
    public int expireAllLeases(Instant now) {
        Objects.requireNonNull(now, "now");
        ensureOpen();
        long micros = Times.micros(now);
        return database.write("expiring all leases", connection -> {
            int tasksExpired;
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + tables.tasks()
                    + " SET lease_expires_at = ?, available_at = ? WHERE available_at IS NOT NULL"
                    + " AND status = 'processing' AND available_at > ?")) {
                update.setLong(1, micros);
                update.setLong(2, micros);
                update.setLong(3, micros);
                tasksExpired = update.executeUpdate();
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + tables.requests()
                    + " SET notification_expires_at = ? WHERE notification_state = 'open' AND notification_expires_at > ?")) {
                update.setLong(1, micros);
                update.setLong(2, micros);
                update.executeUpdate();
            }
            return tasksExpired;
        });
    }

    /** {@return the schema version in force (the latest migration applied)} */
    public String schemaVersion() {
        return schemaVersion;
    }

    /**
     * {@inheritDoc}
     *
     * @throws RepositoryException (not retryable) if this repository is closed
     */
    @Override
    public void ping() {
        ensureOpen();
        database.read("pinging the database", connection -> {
            try (var statement = connection.createStatement()) {
                statement.execute("SELECT 1");
            }
            return null;
        });
    }

    /** Closes the connections or pool this repository opened; never a data source it was given. Idempotent. */
    @Override
    public void close() {
        closed = true;
        serialPages.close();
        database.close();
    }

    @Override
    public String toString() {
        return "SqlProductRepository[" + database.dialect() + ", schema version " + schemaVersion + "]";
    }

    private void ensureOpen() {
        if (closed) {
            throw new RepositoryException("this SqlProductRepository is closed", null, false);
        }
    }

    private static String describe(Lease lease) {
        return lease.taskId() + " of request " + lease.requestId();
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + duration);
        }
    }

    /**
     * Builds a {@link SqlProductRepository}: from the config's URL (the repository opens and closes
     * its own connections), or from a {@link DataSource} given here (never closed by the repository).
     * Not thread-safe.
     */
    public static final class Builder {

        private final SqlRepositoryConfig config;
        private DataSource dataSource;

        private Builder(SqlRepositoryConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /**
         * {@return this builder}
         *
         * @param value where connections come from, for a config made by
         *     {@link SqlRepositoryConfig#forDataSource()}; the database (SQLite or PostgreSQL) is
         *     recognised from it. Never closed by the repository. With SQLite, the repository keeps one
         *     of its connections for writes and up to {@link SqlRepositoryConfig#readConnections()}
         *     for reads for as long as it is open
         * @throws IllegalStateException if set twice
         */
        public Builder dataSource(DataSource value) {
            if (dataSource != null) {
                throw new IllegalStateException("dataSource is already set");
            }
            dataSource = Objects.requireNonNull(value, "dataSource");
            return this;
        }

        /**
         * Connects, creates or migrates the schema, and returns the repository.
         *
         * @return the repository
         * @throws ConfigurationException if there is neither a URL nor a data source, or both
         * @throws RepositoryException if the database cannot be reached or migrated
         */
        public SqlProductRepository build() {
            if ((config.jdbcUrl() == null) == (dataSource == null)) {
                throw new ConfigurationException(config.jdbcUrl() == null
                        ? "SqlProductRepository needs a JDBC URL (SqlRepositoryConfig.forUrl) or a data source (.dataSource)"
                        : "SqlProductRepository was given both a JDBC URL and a data source; use one");
            }
            Dialect dialect = config.jdbcUrl() != null ? Dialect.ofUrl(config.jdbcUrl()) : dialectOf(dataSource);
            if (config.schema() != null && dialect == Dialect.SQLITE) {
                throw new ConfigurationException("SqlRepositoryConfig.schema is for PostgreSQL, but the data source is SQLite");
            }
            Tables tables = Tables.in(config.schema());
            return dialect == Dialect.SQLITE ? openSqlite(tables) : openPostgres(tables);
        }

        private SqlProductRepository openSqlite(Tables tables) {
            DataSource source = dataSource != null ? dataSource
                    : new UrlDataSource(config.jdbcUrl(), config.user(), config.password());
            String version = Migrations.migrate(Dialect.SQLITE, source, null);
            SqliteDatabase database = SqliteDatabase.open(source::getConnection, config.readConnections(),
                    config.busyTimeout());
            return new SqlProductRepository(database, tables, version);
        }

        private SqlProductRepository openPostgres(Tables tables) {
            PostgresDatabase database = dataSource != null ? new PostgresDatabase(dataSource, null)
                    : PostgresPool.open(config);
            try {
                DataSource source = dataSource != null ? dataSource
                        : new UrlDataSource(config.jdbcUrl(), config.user(), config.password());
                String version = Migrations.migrate(Dialect.POSTGRESQL, source, config.schema());
                return new SqlProductRepository(database, tables, version);
            } catch (RuntimeException e) {
                database.close();
                throw e;
            }
        }

        private static Dialect dialectOf(DataSource dataSource) {
            try (Connection connection = dataSource.getConnection()) {
                return Dialect.ofProductName(connection.getMetaData().getDatabaseProductName());
            } catch (SQLException e) {
                throw SqlErrors.wrap("connecting to the data source", e, Dialect.POSTGRESQL);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(e.getMessage(), e);
            }
        }
    }
}
