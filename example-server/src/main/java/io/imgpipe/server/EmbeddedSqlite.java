package io.imgpipe.server;

import io.imgpipe.RepositoryException;
import io.imgpipe.sql.SqlProductRepository;
import io.imgpipe.sql.SqlRepositoryConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default store: a {@link SqlProductRepository} on the SQLite file
 * {@value #FILE_NAME} under the data directory, which one process at a time uses.
 *
 * <h2>One process per data directory</h2>
 * Opening takes an exclusive lock on {@value #LOCK_FILE} in the data directory, held until
 * {@link #close()}; a second server on the same directory is refused. The operating system drops
 * the lock when the process dies, however it dies, so holding it proves that the previous process
 * on this file is gone: the leases it held on tasks and notifications are then made to expire at
 * once ({@link SqlProductRepository#expireAllLeases}), and a restart resumes its work immediately
 * instead of after a lease.
 *
 * <h2>Durability</h2>
 * SQLite runs in WAL mode with {@code synchronous=FULL}: every commit reaches the disk before the
 * write returns, so an accepted upload survives {@code kill -9} and a power cut.
 *
 * <p>Thread-safe. {@link #close()} closes the repository, then releases the lock.
 */
final class EmbeddedSqlite implements AutoCloseable {

    /** The database file under the data directory. */
    static final String FILE_NAME = "imgpipe.db";
    /** The lock file under the data directory. */
    static final String LOCK_FILE = "imgpipe.lock";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSqlite.class);
    /**
     * Lock files held in this JVM: a second channel on one of them must never be opened here, since
     * on POSIX systems closing any channel on a file drops every lock this JVM holds on it.
     */
    private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final Path lockFile;
    private final FileChannel lockChannel;
    private final SqlProductRepository repository;

    private EmbeddedSqlite(Path file, Path lockFile, FileChannel lockChannel, SqlProductRepository repository) {
        this.file = file;
        this.lockFile = lockFile;
        this.lockChannel = lockChannel;
        this.repository = repository;
    }

    /**
     * Locks the data directory, opens (or creates) the database and hands back the leases of the
     * previous process.
     *
     * @param dataDir the data directory; created if missing
     * @param clock the time leases are made to expire at
     * @return the open store
     * @throws RepositoryException if the directory cannot be created, another process uses it, or
     *     the database cannot be opened
     */
    static EmbeddedSqlite open(Path dataDir, Clock clock) {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path file = dir.resolve(FILE_NAME);
        Path lockFile = dir.resolve(LOCK_FILE);
        FileChannel channel = lock(dir, lockFile);
        try {
            SqlProductRepository repository = SqlProductRepository.builder(SqlRepositoryConfig.forSqliteFile(file)).build();
            try {
                int handedBack = repository.expireAllLeases(clock.instant());
                log.info("embedded store {} open (schema version {}){}", file, repository.schemaVersion(),
                        handedBack == 0 ? "" : "; " + handedBack + " tasks the previous process held are claimable again");
                return new EmbeddedSqlite(file, lockFile, channel, repository);
            } catch (RuntimeException e) {
                repository.close();
                throw e;
            }
        } catch (RuntimeException e) {
            unlock(lockFile, channel);
            throw e;
        }
    }

    /** @return the repository on the database file */
    SqlProductRepository repository() {
        return repository;
    }

    /** @return the database file */
    Path file() {
        return file;
    }

    /** Closes the repository and releases the data directory. Idempotent. */
    @Override
    public void close() {
        if (!lockChannel.isOpen()) {
            return;
        }
        try {
            repository.close();
        } finally {
            unlock(lockFile, lockChannel);
        }
        log.info("embedded store {} closed", file);
    }

    private static FileChannel lock(Path dir, Path lockFile) {
        String inUse = "the data directory " + dir + " is in use by another process; only one server at a time may use"
                + " a DATA_DIR (run several against one PostgreSQL with DATABASE_URL)";
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new RepositoryException("cannot create DATA_DIR " + dir + ": " + e, e, false);
        }
        if (!HELD_IN_THIS_JVM.add(lockFile)) {
            throw new RepositoryException(inUse, null, false);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new RepositoryException(inUse, null, false);
            }
            return channel;
        } catch (IOException | OverlappingFileLockException e) {
            closeQuietly(channel);
            HELD_IN_THIS_JVM.remove(lockFile);
            throw new RepositoryException("cannot lock " + lockFile + ": " + e, e, false);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            HELD_IN_THIS_JVM.remove(lockFile);
            throw e;
        }
    }

    private static void unlock(Path lockFile, FileChannel channel) {
        closeQuietly(channel);
        HELD_IN_THIS_JVM.remove(lockFile);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing the data directory lock failed", e);
        }
    }
}
