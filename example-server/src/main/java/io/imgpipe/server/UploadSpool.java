package io.imgpipe.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of this process's own for uploads being received, {@code DATA_DIR/uploads/<random>},
 * so that processes sharing a {@code DATA_DIR} never touch each other's uploads in progress.
 *
 * <p>Each spool holds an exclusive lock on its {@code .lock} file for as long as it is open. When a
 * spool is created, the spools of other processes that are older than a few minutes and whose lock
 * can be taken (their process has ended, however it ended) are deleted; a spool with no lock file
 * is deleted only once it is a day old. The grace period keeps a spool that another process is
 * creating at the same moment (its lock file made but not yet locked) out of reach. Locks are
 * released when the process dies, so a spool left by {@code kill -9} is swept by the next process
 * to start. Thread-safe: opening and probing are serialised within the JVM, because on POSIX
 * systems closing a probe's channel would drop a lock this JVM holds on the same file.
 */
final class UploadSpool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UploadSpool.class);
    private static final String LOCK_FILE = ".lock";
    private static final Duration UNLOCKED_GRACE = Duration.ofDays(1);
    private static final Duration STARTING_GRACE = Duration.ofMinutes(5);
    private static final Object OPEN_AND_PROBE = new Object();

    /**
     * Lock files held by spools of this JVM. A second channel on one of them must never be opened
     * here: on POSIX systems closing any channel on a file drops every lock the JVM holds on it.
     */
    private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final Path lockFile;
    private final FileChannel channel;

    private UploadSpool(Path dir, Path lockFile, FileChannel channel) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.channel = channel;
    }

    /**
     * Creates and locks a new spool under {@code dataDir/uploads}, then deletes the spools of
     * processes that have ended.
     *
     * @param dataDir the data directory
     * @return the spool, to be closed when the server stops
     * @throws UncheckedIOException if the directory or its lock cannot be created
     */
    static UploadSpool open(Path dataDir) {
        synchronized (OPEN_AND_PROBE) {
            return openAndSweep(dataDir);
        }
    }

    private static UploadSpool openAndSweep(Path dataDir) {
        Path root = dataDir.toAbsolutePath().normalize().resolve("uploads");
        Path dir = root.resolve(UUID.randomUUID().toString());
        Path lockFile = dir.resolve(LOCK_FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (channel.tryLock() == null) {
                throw new IOException("the new spool's lock is held by another process");
            }
            HELD_IN_THIS_JVM.add(lockFile);
            UploadSpool spool = new UploadSpool(dir, lockFile, channel);
            spool.sweep(root);
            return spool;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot prepare the upload directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** @return the directory uploads are received in */
    Path dir() {
        return dir;
    }

    private void sweep(Path root) throws IOException {
        Instant now = Instant.now();
        Instant unlockedBefore = now.minus(UNLOCKED_GRACE);
        Instant startedBefore = now.minus(STARTING_GRACE);
        try (Stream<Path> spools = Files.list(root)) {
            spools.filter(spool -> !spool.equals(dir) && Files.isDirectory(spool)
                            && isOlderThan(spool, startedBefore) && ended(spool, unlockedBefore))
                    .forEach(spool -> {
                        log.info("deleting the upload spool {} of a process that has ended", spool);
                        deleteTree(spool);
                    });
        }
    }

    /** @return whether the spool's process has ended: its lock can be taken, or it has none and is old */
    private static boolean ended(Path spool, Instant unlockedBefore) {
        Path lock = spool.resolve(LOCK_FILE);
        if (HELD_IN_THIS_JVM.contains(lock)) {
            return false;
        }
        if (!Files.exists(lock)) {
            return isOlderThan(spool, unlockedBefore);
        }
        try (FileChannel other = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock taken = other.tryLock();
            if (taken == null) {
                return false;
            }
            taken.release();
            return true;
        } catch (OverlappingFileLockException | IOException e) {
            return false;
        }
    }

    /** Releases the lock and deletes the spool with whatever it still holds. Idempotent. */
    @Override
    public void close() {
        synchronized (OPEN_AND_PROBE) {
            if (!channel.isOpen()) {
                return;
            }
            closeQuietly(channel);
            HELD_IN_THIS_JVM.remove(lockFile);
        }
        deleteTree(dir);
    }

    private static boolean isOlderThan(Path path, Instant instant) {
        try {
            return Files.getLastModifiedTime(path).toInstant().isBefore(instant);
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(UploadSpool::deleteQuietly);
        } catch (IOException e) {
            log.warn("cannot delete leftover uploads {}: {}", root, e.toString());
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("cannot delete leftover upload {}: {}", path, e.toString());
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing a spool lock failed", e);
        }
    }
}
