package io.imgpipe.server;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child-JVM entry point for {@link UploadSpoolTest}: locks the file named by its argument the way
 * a running server holds its spool, prints {@code locked}, and holds the lock until its standard
 * input closes; or, with {@code --probe <file>}, prints whether another process holds its lock
 * ({@code held} or {@code free}).
 */
final class HoldSpoolLock {

    private HoldSpoolLock() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--probe")) {
            try (FileChannel channel = FileChannel.open(Path.of(args[1]), StandardOpenOption.WRITE)) {
                System.out.println(channel.tryLock() == null ? "held" : "free");
            }
            return;
        }
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
