package io.imgpipe.server;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child-JVM entry point for {@link UploadSpoolTest}: locks the file named by its argument the way
 * a running server holds its spool, prints {@code locked}, and holds the lock until its standard
 * input closes.
 */
final class HoldSpoolLock {

    private HoldSpoolLock() {
    }

    public static void main(String[] args) throws Exception {
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            channel.lock();
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the parent closes our input
            }
        }
    }
}
