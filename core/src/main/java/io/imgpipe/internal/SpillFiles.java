package io.imgpipe.internal;

import io.imgpipe.ImgPipeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a downloaded body waits, out of the heap, while its task waits for memory to compress
 * it. Each file is deleted as soon as it has been read back; {@link #sweep} deletes those left by
 * a process that died. Thread-safe.
 */
public final class SpillFiles {

    private static final Logger log = LoggerFactory.getLogger(SpillFiles.class);
    private static final String PREFIX = "body-";
    private static final String SUFFIX = ".spill";
    private static final int READ_SLICE_BYTES = 64 * 1024;

    private final Path directory;

    /**
     * Creates a {@code SpillFiles}.
     *
     * @param directory where the files go; created when first needed
     */
    public SpillFiles(Path directory) {
        this.directory = directory;
    }

    /**
     * {@return the file holding it}
     *
     * @param body a body to keep out of the heap
     * @throws ImgPipeException (retryable) if it cannot be written
     */
    Path write(byte[] body) {
        Path file = directory.resolve(PREFIX + UUID.randomUUID() + SUFFIX);
        try {
            Files.createDirectories(directory);
            Files.write(file, body, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return file;
        } catch (IOException e) {
            delete(file);
            throw new ImgPipeException("could not write a body of " + body.length + " bytes to " + directory
                    + " (EngineConfig.spillDirectory) while it waits for memory: " + e, e, true);
        }
    }

    /**
     * {@return its bytes}
     *
     * @param file a file from {@link #write}
     * @throws ImgPipeException (retryable) if it cannot be read
     */
    byte[] read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new IOException("the file holds " + size + " bytes, more than an array can");
            }
            byte[] body = new byte[(int) size];
            // Slices, because the JDK reads into a heap array through a temporary direct buffer of
            // the whole read's size, cached per thread: whole bodies would be held twice, off the heap.
            for (int offset = 0; offset < body.length; ) {
                int read = channel.read(ByteBuffer.wrap(body, offset, Math.min(READ_SLICE_BYTES, body.length - offset)));
                if (read < 0) {
                    throw new IOException("the file ended after " + offset + " of " + body.length + " bytes");
                }
                offset += read;
            }
            return body;
        } catch (IOException e) {
            throw new ImgPipeException("could not read back the body spilled to " + file + ": " + e, e, true);
        }
    }

    /**
     * Deletes a spilled body, logging a failure.
     *
     * @param file a file from {@link #write}; deleting a missing one is not an error
     */
    void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not delete spilled body {}: {}", file, e.toString());
        }
    }

    /**
     * Deletes the files not modified for {@code maxAge}: those of processes that died while a
     * body waited. Files of live processes are younger: a body waits for memory only while others
     * are compressed.
     *
     * @param maxAge how old a file must be
     * @return how many were deleted
     */
    public int sweep(Duration maxAge) {
        FileTime cutoff = FileTime.from(Instant.now().minus(maxAge));
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
            for (Path file : files) {
                try {
                    if (Files.isRegularFile(file) && Files.getLastModifiedTime(file).compareTo(cutoff) < 0
                            && Files.deleteIfExists(file)) {
                        deleted++;
                    }
                } catch (IOException e) {
                    log.warn("could not delete stale spilled body {}: {}", file, e.toString());
                }
            }
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            log.warn("could not look for stale spilled bodies in {}: {}", directory, e.toString());
        }
        if (deleted > 0) {
            log.info("deleted {} spilled bodies left in {} by a process that died", deleted, directory);
        }
        return deleted;
    }
}
