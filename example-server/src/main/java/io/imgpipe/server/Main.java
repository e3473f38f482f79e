package io.imgpipe.server;

import io.imgpipe.ConfigurationException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the example server from the environment, merged over a {@code .env} file in the working
 * directory (the environment wins), and stops it gracefully on SIGTERM or Ctrl-C.
 *
 * <p>An invalid setting stops the start with one line on standard error naming it, and exit
 * status {@value #EXIT_CONFIGURATION}; any other failure to start exits with
 * {@value #EXIT_START_FAILED}.
 */
public final class Main {

    /** Exit status for an invalid setting. */
    public static final int EXIT_CONFIGURATION = 2;
    /** Exit status for any other failure to start. */
    public static final int EXIT_START_FAILED = 1;

    private Main() {
    }

    /** @param args ignored; configuration comes from the environment */
    public static void main(String[] args) {
        ServerConfig config;
        try {
            config = ServerConfig.fromEnvironment(variables(System.getenv(), Path.of(".env")));
        } catch (ConfigurationException e) {
            System.err.println("imgpipe: " + e.getMessage());
            System.exit(EXIT_CONFIGURATION);
            return;
        }
        Logger log = LoggerFactory.getLogger(Main.class);
        Server server = new Server();
        try {
            server.start(config);
        } catch (RuntimeException e) {
            log.error("cannot start", e);
            System.err.println("imgpipe: cannot start: " + e.getMessage());
            System.exit(EXIT_START_FAILED);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutting down");
            server.stop();
            log.info("stopped");
        }, "imgpipe-shutdown"));
    }

    /**
     * @param environment the process environment
     * @param dotEnv a {@code .env} file, which may not exist
     * @return the file's variables overridden by the environment's
     * @throws ConfigurationException if the file is malformed
     */
    static Map<String, String> variables(Map<String, String> environment, Path dotEnv) {
        Map<String, String> merged = new HashMap<>(DotEnv.read(dotEnv));
        merged.putAll(environment);
        return merged;
    }
}
