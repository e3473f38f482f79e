package io.imgpipe.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The PostgreSQL server the tests run against: its JDBC URL comes from the system property
 * {@value #PROPERTY} or the environment variable {@value #VARIABLE}, which {@code .ci/run} sets
 * after starting a throw-away cluster ({@code .ci/test-postgres start DIR} does the same by hand).
 * Without one, the PostgreSQL tests are skipped with a message that says so. Each test class works
 * in a schema of its own, dropped afterwards.
 */
final class TestPostgres {

    static final String VARIABLE = "IMGPIPE_TEST_POSTGRES_URL";
    static final String PROPERTY = "imgpipe.test.postgres.url";

    private TestPostgres() {
    }

    static Optional<String> url() {
        String url = System.getProperty(PROPERTY);
        if (url == null || url.isBlank()) {
            url = System.getenv(VARIABLE);
        }
        return url == null || url.isBlank() ? Optional.empty() : Optional.of(url.trim());
    }

    /**
     * @return the URL, or skips the calling test (class) when there is none, saying why on standard
     *     error (so the build log shows it) and in the test report
     */
    static String requireUrl() {
        Optional<String> url = url();
        if (url.isEmpty()) {
            String message = "PostgreSQL tests skipped: no PostgreSQL server; set " + VARIABLE
                    + " to a jdbc:postgresql: URL (.ci/run starts one where PostgreSQL is installed; by hand:"
                    + " eval \"$(.ci/test-postgres start /tmp/imgpipe-pg)\")";
            System.err.println(StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                    .walk(frames -> frames.skip(1).findFirst().map(frame -> frame.getDeclaringClass().getSimpleName())
                            .orElse("?")) + ": " + message);
            assumeTrue(false, message);
        }
        return url.get();
    }

    /** @return a new, unused schema name */
    static String newSchemaName(String prefix) {
        return (prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)).toLowerCase(Locale.ROOT);
    }

    static void dropSchema(String url, String schema) {
        execute(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    static void execute(String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed: " + e.getMessage(), e);
        }
    }
}
