package io.imgpipe.local;

import io.imgpipe.ConfigurationException;
import io.imgpipe.ObjectStoreException;
import io.imgpipe.spi.ObjectKeys;
import io.imgpipe.spi.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ObjectStore} on a local (or mounted) file system: the object under key
 * {@code a/b/c.jpg} is the file {@code <root>/a/b/c.jpg}, and its URL is
 * {@code <baseUrl>/a/b/c.jpg}. Suits single-machine deployments and servers that serve the
 * files themselves (see {@link #pathOf}).
 *
 * <h2>Writes</h2>
 * A put writes a temporary file in the target's directory, flushes its content to the device, and
 * renames it over the target atomically, so readers see the old or the new object, never part of
 * one, and concurrent puts to one key leave exactly one whole payload. (The rename itself becomes
 * durable when the file system commits its metadata; the directory is not flushed.) Temporary names start with
 * {@code ~}, which no key may contain, so they can never be read as objects; a put that fails
 * deletes its temporary file. The content type is not stored: whoever serves the files infers it
 * from the extension. Objects are created with the process's default permissions (umask).
 *
 * <h2>Debris of puts that died</h2>
 * A process that dies during a put leaves its temporary file behind. The store deletes temporary
 * files not modified for {@link FileSystemStoreConfig#tempFileMaxAge()} (default an hour): once
 * when it is opened and then every {@link FileSystemStoreConfig#tempSweepInterval()}, on a daemon
 * thread of its own, and whenever {@link #sweepTemporaryFiles()} is called. It never deletes a
 * temporary file that one of its own puts is writing, whatever its age; the age protects those of
 * other processes sharing the root. Directories the sweep leaves empty are deleted too.
 *
 * <h2>Confinement</h2>
 * Keys are checked with {@link ObjectKeys#requireValid} and must resolve under the root. A
 * directory on the key's path that is a symbolic link leading outside the root's real path is
 * refused, and so is an object file that is itself a symbolic link; links that stay inside the
 * root are followed. These checks guard against links planted in the tree, not against a
 * concurrent attacker who can rename directories under the root while a call runs.
 *
 * <h2>Limits of a file system</h2>
 * A key cannot name both an object and a "directory" of other objects: with {@code a/b.jpg}
 * stored, a put to {@code a} fails (not retryable), {@code get("a")} is empty and
 * {@code delete("a")} does nothing. Deleting an object also deletes the directories below the
 * root that it leaves empty; a put racing such a delete re-creates its directory. Whether keys
 * differing only in case are distinct depends on the file system.
 *
 * <h2>Errors</h2>
 * An invalid key is an {@link IllegalArgumentException}. Other failures are
 * {@link ObjectStoreException}s naming the root and the key. They are not retryable when a later
 * attempt would fail the same way: permission denied, a key escaping the root, a key clashing with
 * a directory or a file on its path, a missing root. Any other I/O error (a full disk, a network
 * file system hiccup) is retryable.
 *
 * <p>Thread-safe, also with other processes sharing the root. {@link #close()} stops the sweeping
 * thread; the store holds no open files between calls.
 */
public final class FileSystemObjectStore implements ObjectStore {

    /** Bytes written per call, so that no call needs a temporary direct buffer larger than this. */
    private static final int WRITE_SLICE_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(FileSystemObjectStore.class);
    private static final String TEMP_PREFIX = "~";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final FileSystemStoreConfig config;
    /** How often a put re-creates a directory that a concurrent delete pruned under it. */
    private static final int MAX_DIRECTORY_RACES = 10;

    private final Path root;
    private final Path realRoot;
    private final String urlPrefix;
    /** {@link #urlPrefix} parsed, when keys can be resolved against it to the very URL the prefix and key spell; else null. */
    private final URI resolvableBase;
    private final Set<Path> liveTemporaryFiles = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sweeper;

    /**
     * Opens a store, creating the root directory (and its parents) if missing.
     *
     * @param config the settings
     * @throws ConfigurationException naming {@code FileSystemStoreConfig.root} if the root is not
     *     a directory or cannot be created
     */
    public FileSystemObjectStore(FileSystemStoreConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.root = config.root();
        try {
            Files.createDirectories(root);
            this.realRoot = root.toRealPath();
        } catch (FileAlreadyExistsException e) {
            throw new ConfigurationException("FileSystemStoreConfig.root " + root + " exists but is not a directory", e);
        } catch (IOException e) {
            throw new ConfigurationException("FileSystemStoreConfig.root " + root + " cannot be created: " + describe(e), e);
        }
        String base = config.baseUrl().toString();
        this.urlPrefix = base.endsWith("/") ? base : base + "/";
        this.resolvableBase = resolvableBase(urlPrefix);
        this.sweeper = startSweeping(config.tempSweepInterval());
    }

    private ScheduledExecutorService startSweeping(Duration interval) {
        if (interval.isZero()) {
            return null;
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "imgpipe-fs-sweep");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::sweepQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return executor;
    }

    private void sweepQuietly() {
        try {
            sweepTemporaryFiles();
        } catch (RuntimeException e) {
            LOG.warn("sweeping temporary files under {} failed; trying again in {}", root, config.tempSweepInterval(), e);
        }
    }

    /**
     * Deletes the temporary files of puts that died: those under the root not modified for
     * {@link FileSystemStoreConfig#tempFileMaxAge()}, except the ones this store's own puts are
     * writing; and then the directories that are left empty. Symbolic links are not followed.
     * Runs on the calling thread; the store also runs it on its own (see the class comment).
     *
     * @return how many temporary files were deleted
     */
    public int sweepTemporaryFiles() {
        Instant cutoff = Instant.now().minus(config.tempFileMaxAge());
        List<Path> stale = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile() && isTemporaryName(file.getFileName().toString())
                            && attributes.lastModifiedTime().toInstant().isBefore(cutoff)) {
                        stale.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // deleted meanwhile, or unreadable: not ours to judge
                }
            });
        } catch (IOException e) {
            LOG.warn("could not look for temporary files under {}: {}", root, describe(e));
        }
        int deleted = 0;
        for (Path file : stale) {
            if (liveTemporaryFiles.contains(file)) {
                continue;
            }
            try {
                if (Files.deleteIfExists(file)) {
                    deleted++;
                    pruneEmptyDirectories(file.getParent());
                }
            } catch (IOException e) {
                LOG.warn("could not delete stale temporary file {}: {}", file, describe(e));
            }
        }
        if (deleted > 0) {
            LOG.info("deleted {} temporary files left under {} by puts that did not finish", deleted, root);
        }
        return deleted;
    }

    private static boolean isTemporaryName(String name) {
        return name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX);
    }

    /** {@return the settings this store was opened with} */
    public FileSystemStoreConfig config() {
        return config;
    }

    /** {@return the root directory, absolute and normalized} */
    public Path root() {
        return root;
    }

    /**
     * The file an object is (or would be) stored in, for servers that serve the files
     * themselves. Applies the same confinement checks as reads and writes.
     *
     * @param key the object's key
     * @return its file under the root; it may not exist
     * @throws IllegalArgumentException if the key is invalid
     * @throws ObjectStoreException if the key leads outside the root through a symbolic link
     */
    public Path pathOf(String key) {
        Path target = resolve(key);
        try {
            requireInsideRoot(key, target);
        } catch (IOException e) {
            throw failure("locate", key, target, e);
        }
        return target;
    }

    @Override
    public void put(String key, byte[] data, String contentType) {
        Objects.requireNonNull(data, "data");
        Path target = resolve(key);
        Path temp = null;
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    requireInsideRoot(key, target);
                    Files.createDirectories(target.getParent());
                    requireInsideRoot(key, target);
                    temp = writeTemporaryCopy(target, data);
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    liveTemporaryFiles.remove(temp);
                    temp = null;
                    break;
                } catch (NoSuchFileException | FileAlreadyExistsException e) {
                    // a concurrent delete pruned the directory between our steps (creating it, checking
                    // it, writing into it): do them again; a lasting clash fails the same way each time
                    if (attempt == MAX_DIRECTORY_RACES) {
                        throw e;
                    }
                    if (temp != null) {
                        deleteTemporary(temp);
                        temp = null;
                    }
                }
            }
        } catch (IOException e) {
            throw failure("write", key, target, e);
        } finally {
            if (temp != null) {
                deleteTemporary(temp);
            }
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        Path target = resolve(key);
        try {
            requireInsideRoot(key, target);
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            try (InputStream in = Files.newInputStream(target, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of(in.readAllBytes());
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (fileOnPath(target) != null) {
                return Optional.empty();
            }
            if (Files.isSymbolicLink(target)) {
                throw new ObjectStoreException(key, "refusing to read object '" + key + "' under root " + root
                        + ": its file is a symbolic link", e, false);
            }
            throw failure("read", key, target, e);
        }
    }

    @Override
    public void delete(String key) {
        Path target = resolve(key);
        try {
            requireInsideRoot(key, target);
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(target)) {
                pruneEmptyDirectories(target.getParent());
            }
        } catch (IOException e) {
            if (fileOnPath(target) != null) {
                return;
            }
            throw failure("delete", key, target, e);
        }
    }

    /** Deletes {@code dir} and its parents below the root while they are empty. */
    private void pruneEmptyDirectories(Path dir) {
        for (Path current = dir; current != null && current.startsWith(root) && !current.equals(root);
                current = current.getParent()) {
            try {
                Files.delete(current);
            } catch (NoSuchFileException e) {
                // already gone: look at the parent
            } catch (IOException e) {
                return; // not empty (or not ours to delete): stop here
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * @return the base URL and the key joined by exactly one {@code /}
     * @throws IllegalArgumentException if the key is invalid
     */
    @Override
    public URI url(String key) {
        ObjectKeys.requireValid(key);
        if (resolvableBase != null) {
            return resolvableBase.resolve(URI.create(key));
        }
        return URI.create(urlPrefix + key);
    }

    /**
     * A status read asks for tens of thousands of URLs at once, and parsing the base's authority
     * again for each was most of their cost: a valid key (segments of {@code A-Z a-z 0-9 . _ -},
     * never {@code .} or {@code ..}) is a relative path that resolves against the parsed base
     * without parsing the base again. Where that would not spell exactly the prefix followed by
     * the key (a {@code file:///} base, which resolving writes {@code file:/}; a base path that
     * resolving would normalize), keys are joined and parsed as before.
     *
     * @return the parsed prefix, or {@code null} if resolving against it would change the URL
     */
    private static URI resolvableBase(String urlPrefix) {
        URI base = URI.create(urlPrefix);
        String probe = "a.b_c-d/0.e";
        return base.resolve(URI.create(probe)).toString().equals(urlPrefix + probe) ? base : null;
    }

    /**
     * Checks the root is a directory this process can create files in, by creating and deleting
     * a temporary file.
     *
     * @throws ObjectStoreException if it is not
     */
    @Override
    public void ping() {
        if (!Files.isDirectory(root)) {
            throw new ObjectStoreException(null, "root " + root + " of the file system store is not a directory", null, false);
        }
        Path probe = root.resolve(TEMP_PREFIX + "ping-" + randomSuffix() + TEMP_SUFFIX);
        liveTemporaryFiles.add(probe);
        try {
            Files.newByteChannel(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
            Files.delete(probe);
        } catch (IOException e) {
            throw new ObjectStoreException(null, "root " + root + " of the file system store is not writable: "
                    + describe(e), e, !(e instanceof AccessDeniedException));
        } finally {
            liveTemporaryFiles.remove(probe);
        }
    }

    /** Stops the background sweep of temporary files, if any. Idempotent. */
    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "FileSystemObjectStore[root=" + root + ", baseUrl=" + config.baseUrl() + "]";
    }

    private Path resolve(String key) {
        ObjectKeys.requireValid(key);
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException("object key '" + key + "' resolves outside the root " + root);
        }
        return path;
    }

    /**
     * Refuses a key whose deepest existing directory, with symbolic links resolved, lies outside
     * the root's real path.
     */
    private void requireInsideRoot(String key, Path target) throws IOException {
        Path existing = target.getParent();
        while (!existing.equals(root) && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        Path real = existing.toRealPath();
        if (!real.startsWith(realRoot)) {
            throw new ObjectStoreException(key, "object key '" + key + "' leads outside the root " + root
                    + " through a symbolic link (" + existing + " is " + real + ")", null, false);
        }
    }

    /**
     * {@return the first directory on the path from the root to {@code target} that exists as a non-directory, or null}
     */
    private Path fileOnPath(Path target) {
        Path relative = root.relativize(target.getParent());
        Path current = root;
        for (Path segment : relative) {
            current = current.resolve(segment);
            if (Files.exists(current, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(current)) {
                return current;
            }
        }
        return null;
    }

    /**
     * Writes a temporary file next to the target. It is registered as live (never swept) until the
     * put moves it into place or deletes it; if writing fails, it is deleted here.
     */
    private Path writeTemporaryCopy(Path target, byte[] data) throws IOException {
        Path temp = target.resolveSibling(TEMP_PREFIX + target.getFileName() + "." + randomSuffix() + TEMP_SUFFIX);
        liveTemporaryFiles.add(temp);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            // Slices, because the JDK copies a heap buffer through a temporary direct buffer of
            // its whole size, cached per thread, which large outputs would hold outside the heap.
            for (int offset = 0; offset < data.length; ) {
                ByteBuffer slice = ByteBuffer.wrap(data, offset, Math.min(WRITE_SLICE_BYTES, data.length - offset));
                while (slice.hasRemaining()) {
                    offset += channel.write(slice);
                }
            }
            channel.force(false);
        } catch (IOException | RuntimeException e) {
            deleteTemporary(temp);
            throw e;
        }
        return temp;
    }

    private void deleteTemporary(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warn("could not delete temporary file {}: {}", temp, describe(e));
        } finally {
            liveTemporaryFiles.remove(temp);
        }
    }

    private ObjectStoreException failure(String action, String key, Path target, IOException e) {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            return new ObjectStoreException(key, "cannot " + action + " object '" + key + "' under root " + root
                    + ": the key names a directory holding other objects (their keys start with '" + key + "/')", e, false);
        }
        Path file = fileOnPath(target);
        if (file != null) {
            return new ObjectStoreException(key, "cannot " + action + " object '" + key + "' under root " + root
                    + ": '" + root.relativize(file) + "' is an object, so it cannot hold other objects", e, false);
        }
        boolean permanent = e instanceof AccessDeniedException
                || e instanceof NotDirectoryException
                || e instanceof FileAlreadyExistsException
                || e instanceof DirectoryNotEmptyException
                || !Files.isDirectory(root);
        return new ObjectStoreException(key, "cannot " + action + " object '" + key + "' under root " + root + ": "
                + describe(e), e, !permanent);
    }

    private static String randomSuffix() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
