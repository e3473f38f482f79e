package io.imgpipe.server;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link Server} started in the test JVM on 127.0.0.1 and an ephemeral port, with private
 * networks allowed (images come from a loopback test server) and short leases.
 */
final class RunningServer implements AutoCloseable {

    private final Server server;
    private final int port;
    private final ApiClient client;

    private RunningServer(Server server, int port) {
        this.server = server;
        this.port = port;
        this.client = new ApiClient(port);
    }

    /**
     * @param dataDir the data directory
     * @param overrides variables added to (or replacing) the test defaults
     * @return the started server
     */
    static RunningServer start(Path dataDir, Map<String, String> overrides) {
        Server server = new Server();
        int port = server.start(ServerConfig.fromEnvironment(variables(dataDir, overrides)));
        return new RunningServer(server, port);
    }

    static RunningServer start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    /** @return the test defaults for a data directory, with overrides applied */
    static Map<String, String> variables(Path dataDir, Map<String, String> overrides) {
        Map<String, String> variables = new HashMap<>();
        variables.put("HOST", "127.0.0.1");
        variables.put("PORT", "0");
        variables.put("DATA_DIR", dataDir.toString());
        variables.put("FETCH_ALLOW_PRIVATE_NETWORKS", "true");
        variables.put("LEASE_SECONDS", "6");
        variables.put("IO_WORKERS", "4");
        variables.put("CPU_WORKERS", "2");
        variables.put("SHUTDOWN_TIMEOUT_SECONDS", "5");
        variables.putAll(overrides);
        return variables;
    }

    Server server() {
        return server;
    }

    int port() {
        return port;
    }

    ApiClient client() {
        return client;
    }

    @Override
    public void close() {
        server.stop();
    }
}
