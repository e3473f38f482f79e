package io.imgpipe.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's {@link Main} in a child JVM on the test classpath, so that a test can kill it for
 * real ({@link #kill()} is {@code destroyForcibly}: SIGKILL). Its output goes to a file (shown
 * when a test fails to find what it waits for); the port is read from its start line.
 */
final class ChildServer implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on [^ ]+:(\\d+) ");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger CHILDREN = new AtomicInteger();

    private final Process process;
    private final Path log;

    private ChildServer(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java -cp <test classpath> io.imgpipe.server.Main} with the variables given as
     * its whole environment (plus {@code PATH}), in {@code workDir} (where it would read a
     * {@code .env}).
     */
    static ChildServer start(Path workDir, Map<String, String> variables) {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = workDir.resolve("child-" + CHILDREN.incrementAndGet() + ".log");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=logback.xml", "-cp", classpath, Main.class.getName())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().putAll(variables);
        try {
            return new ChildServer(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a child JVM", e);
        }
    }

    /** @return the port the child listens on, once it has started */
    int awaitPort() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher matcher = LISTENING.matcher(output());
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
            if (!process.isAlive()) {
                throw new AssertionError("child server exited with " + process.exitValue() + "; output:\n" + output());
            }
            ApiClient.pause(50);
        }
        throw new AssertionError("child server did not start within " + START_TIMEOUT + "; output:\n" + output());
    }

    /** Kills the child with SIGKILL and waits for it to be gone. */
    void kill() {
        process.destroyForcibly();
        await(Duration.ofSeconds(30), "survived SIGKILL");
    }

    /**
     * Asks the child to stop with SIGTERM (running its shutdown hook) and waits for it to exit.
     *
     * @return its exit status
     */
    int terminate(Duration timeout) {
        process.destroy();
        return await(timeout, "did not stop after SIGTERM");
    }

    /** Waits for a child that is expected to exit by itself. @return its exit status */
    int awaitExit(Duration timeout) {
        return await(timeout, "did not exit");
    }

    /** @return everything the child printed so far */
    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private int await(Duration timeout, String failure) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("child server " + failure + " within " + timeout + "; output:\n" + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
