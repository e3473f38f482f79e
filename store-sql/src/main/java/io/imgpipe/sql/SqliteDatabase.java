package io.imgpipe.sql;

import io.imgpipe.RepositoryException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLite in WAL mode: every write goes through one connection, and reads through a few
 * read-only connections of their own (WAL lets readers see the last commit while a write is in
 * progress).
 *
 * <h2>Group commit</h2>
 * SQLite has one writer at a time, and with {@code synchronous=FULL} every commit waits for
 * the disk. Writers therefore queue their work; whichever holds the write connection runs every
 * queued piece of work in one {@code BEGIN IMMEDIATE} transaction, each under a savepoint of its
 * own (so one that fails is rolled back alone), commits once, and hands each caller its result.
 * A caller returns only after the commit that holds its work reached the disk, so every write is
 * as durable as if it had committed alone, and many workers share one disk flush.
 */
final class SqliteDatabase implements Database {

    private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);
    private static final int MAX_WRITES_PER_COMMIT = 256;
    private static final Duration READER_WAIT = Duration.ofSeconds(30);

    private final ConnectionFactory connections;
    private final Connection writer;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Queue<PendingWrite<?>> queued = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<Connection> idleReaders;
    private final List<Connection> readers = new ArrayList<>();
    private final int maxReaders;
    private final long busyTimeoutMillis;
    private volatile boolean closed;

    /** Opens connections to one SQLite database. */
    @FunctionalInterface
    interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    private SqliteDatabase(ConnectionFactory connections, Connection writer, int maxReaders, long busyTimeoutMillis) {
        this.connections = connections;
        this.writer = writer;
        this.maxReaders = maxReaders;
        this.idleReaders = new ArrayBlockingQueue<>(maxReaders);
        this.busyTimeoutMillis = busyTimeoutMillis;
    }

    /**
     * Opens the write connection and turns on WAL and full synchronous commits.
     *
     * @param connections opens connections to the database
     * @param maxReaders how many read connections to open at most
     * @param busyTimeout how long a statement waits for a lock another process holds
     * @return the database
     * @throws RepositoryException if the database cannot be opened
     */
    static SqliteDatabase open(ConnectionFactory connections, int maxReaders, Duration busyTimeout) {
        Connection writer = null;
        try {
            writer = connections.open();
            try (Statement statement = writer.createStatement()) {
                statement.execute("PRAGMA busy_timeout = " + busyTimeout.toMillis());
                statement.execute("PRAGMA journal_mode = WAL");
                statement.execute("PRAGMA synchronous = FULL");
                statement.execute("PRAGMA cache_size = -32768");
                statement.execute("PRAGMA temp_store = MEMORY");
            }
            writer.setAutoCommit(true);
            return new SqliteDatabase(connections, writer, maxReaders, busyTimeout.toMillis());
        } catch (SQLException e) {
            closeQuietly(writer);
            throw SqlErrors.wrap("opening the SQLite database", e, Dialect.SQLITE);
        }
    }

    @Override
    public Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    public <T> T write(String what, SqlWork<T> work) {
        PendingWrite<T> pending = new PendingWrite<>(work);
        queued.add(pending);
        writeLock.lock();
        try {
            if (!pending.done) {
                ensureOpen();
                commitQueuedWrites();
            }
        } finally {
            writeLock.unlock();
        }
        return pending.result(what);
    }

    @Override
    public <T> T read(String what, SqlWork<T> work) {
        Connection connection = borrowReader(what);
        boolean healthy = true;
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN");
            try {
                return work.run(connection);
            } finally {
                statement.execute("COMMIT");
            }
        } catch (SQLException e) {
            healthy = false;
            throw SqlErrors.wrap(what, e, Dialect.SQLITE);
        } finally {
            giveBack(connection, healthy);
        }
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            failQueued(new RepositoryException("the SQLite repository is closed", null, false));
            closeQuietly(writer);
        } finally {
            writeLock.unlock();
        }
        synchronized (readers) {
            readers.forEach(SqliteDatabase::closeQuietly);
            readers.clear();
        }
    }

    /** Runs the queued writes (the caller's among them) in one transaction. Called with the write lock held. */
    private void commitQueuedWrites() {
        List<PendingWrite<?>> batch = new ArrayList<>();
        PendingWrite<?> next;
        while (batch.size() < MAX_WRITES_PER_COMMIT && (next = queued.poll()) != null) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            return;
        }
        try (Statement statement = writer.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            boolean alone = batch.size() == 1;
            for (PendingWrite<?> write : batch) {
                if (alone) {
                    write.runIn(writer);
                } else {
                    statement.execute("SAVEPOINT work");
                    if (write.runIn(writer)) {
                        statement.execute("RELEASE work");
                    } else {
                        statement.execute("ROLLBACK TO work");
                        statement.execute("RELEASE work");
                    }
                }
            }
            if (alone && batch.get(0).failedAlready()) {
                statement.execute("ROLLBACK");
            } else {
                statement.execute("COMMIT");
            }
            batch.forEach(PendingWrite::finish);
        } catch (SQLException e) {
            rollbackQuietly();
            for (PendingWrite<?> write : batch) {
                write.failWith(e);
            }
        }
    }

    private void failQueued(RuntimeException failure) {
        PendingWrite<?> next;
        while ((next = queued.poll()) != null) {
            next.failure = failure;
            next.finish();
        }
    }

    private void rollbackQuietly() {
        try (Statement statement = writer.createStatement()) {
            statement.execute("ROLLBACK");
        } catch (SQLException e) {
            log.debug("rollback after a failed write: {}", e.toString());
        }
    }

    private Connection borrowReader(String what) {
        ensureOpen();
        Connection idle = idleReaders.poll();
        if (idle != null) {
            return idle;
        }
        synchronized (readers) {
            if (readers.size() < maxReaders) {
                try {
                    Connection opened = connections.open();
                    try (Statement statement = opened.createStatement()) {
                        statement.execute("PRAGMA busy_timeout = " + busyTimeoutMillis);
                        statement.execute("PRAGMA query_only = 1");
                        statement.execute("PRAGMA cache_size = -16384");
                    }
                    opened.setAutoCommit(true);
                    readers.add(opened);
                    return opened;
                } catch (SQLException e) {
                    throw SqlErrors.wrap(what + " (opening a read connection)", e, Dialect.SQLITE);
                }
            }
        }
        try {
            Connection waited = idleReaders.poll(READER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (waited == null) {
                throw new RepositoryException(what + " failed: no read connection free within " + READER_WAIT, null, true);
            }
            return waited;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RepositoryException(what + " was interrupted", e, true);
        }
    }

    private void giveBack(Connection connection, boolean healthy) {
        if (!healthy) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("ROLLBACK");
            } catch (SQLException e) {
                log.debug("rollback of a failed read: {}", e.toString());
            }
        }
        if (closed) {
            closeQuietly(connection);
        } else {
            idleReaders.offer(connection);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new RepositoryException("the SQLite repository is closed", null, false);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("closing a SQLite connection: {}", e.toString());
        }
    }

    /** One caller's write, run by whichever thread commits it. Fields are guarded by the write lock. */
    private static final class PendingWrite<T> {
        private final SqlWork<T> work;
        private T result;
        private RuntimeException failure;
        private SQLException sqlFailure;
        private boolean ran;
        private volatile boolean done;

        PendingWrite(SqlWork<T> work) {
            this.work = work;
        }

        /** {@return whether the work succeeded (else its savepoint is to be rolled back)} */
        boolean runIn(Connection connection) {
            ran = true;
            try {
                result = work.run(connection);
                return true;
            } catch (SQLException e) {
                sqlFailure = e;
                return false;
            } catch (RuntimeException e) {
                failure = e;
                return false;
            } catch (Error e) {
                failure = new RepositoryException("a write failed with " + e, e, false);
                return false;
            }
        }

        boolean failedAlready() {
            return failure != null || sqlFailure != null;
        }

        void failWith(SQLException e) {
            if (!failedAlready()) {
                sqlFailure = e;
            }
            result = null;
            finish();
        }

        void finish() {
            done = true;
        }

        T result(String what) {
            if (sqlFailure != null) {
                throw SqlErrors.wrap(what, sqlFailure, Dialect.SQLITE);
            }
            if (failure != null) {
                throw failure;
            }
            if (!ran) {
                throw new RepositoryException(what + " failed: the write was not run", null, true);
            }
            return result;
        }
    }
}
