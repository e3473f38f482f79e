package io.imgpipe.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.RepositoryException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQL repository's own behaviour on a SQLite file, plus what only SQLite has: its pragmas and durability. */
class SqliteRepositoryBehaviourIT extends SqlRepositoryBehaviourTests {

    @TempDir
    Path dir;

    @Override
    protected SqlProductRepository openRepository() {
        return SqlProductRepository.builder(SqlRepositoryConfig.forSqliteFile(dir.resolve("behaviour.db"))).build();
    }

    @Test
    void theDatabaseIsInWalModeWithTheSchemaHistoryOfFlyway() throws Exception {
        open();

        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("behaviour.db"));
             Statement statement = connection.createStatement()) {
            assertThat(single(statement, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(single(statement, "SELECT version FROM " + Migrations.HISTORY_TABLE + " WHERE success = 1"
                    + " ORDER BY installed_rank DESC LIMIT 1")).isEqualTo("2");
        }
    }

    @Test
    void theClaimQueryWalksOnlyTheOpenTasksIndex() throws Exception {
        open();
        String claimQuery = "SELECT task_no FROM imgpipe_tasks" + Dialect.SQLITE.useClaimableIndex()
                + " WHERE request_seq = ? AND task_no > ? AND available_at <= ? ORDER BY task_no LIMIT ?";

        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("behaviour.db"));
             Statement statement = connection.createStatement()) {
            assertThat(single(statement, "EXPLAIN QUERY PLAN " + claimQuery, 4)).contains("imgpipe_tasks_claimable");
        }
    }

    @Test
    void productsInSerialOrderArePagedThroughTheSerialIndexWithoutSortingTheProducts() throws Exception {
        open();
        Tables tables = Tables.in(null);
        RequestReader reader = new RequestReader(tables, Dialect.SQLITE, new RequestCounts(tables, Dialect.SQLITE));

        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("behaviour.db"));
             Statement statement = connection.createStatement()) {
            for (String query : reader.serialPageStatements()) {
                List<String> steps = new ArrayList<>();
                try (ResultSet plan = statement.executeQuery("EXPLAIN QUERY PLAN " + query)) {
                    while (plan.next()) {
                        steps.add(plan.getString(4));
                    }
                }
                // the products come off the index in order: at most the images of one product
                // (the right part of the ORDER BY) are sorted, never the page's products
                assertThat(steps).as(query).anyMatch(step -> step.contains("imgpipe_products_serial"));
                assertThat(steps).as(query).noneMatch(step -> step.contains("TEMP B-TREE FOR ORDER BY"));
            }
        }
    }

    @Test
    void aNonSqliteFileIsRefusedWithARepositoryException() throws Exception {
        Path notADatabase = dir.resolve("not-a-database.db");
        Files.writeString(notADatabase, "this is not a SQLite database, just text that is long enough to be read");

        assertThatThrownBy(() -> SqlProductRepository.builder(SqlRepositoryConfig.forSqliteFile(notADatabase)).build())
                .isInstanceOf(RepositoryException.class);
    }

    @Test
    void aCreatedRequestSurvivesTheProcessBeingKilledRightAfterCreateReturns() throws Exception {
        Path file = dir.resolve("killed.db");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(java, "-cp", classpath, CreateAndHang.class.getName(), file.toString(),
                "req-killed", "500").redirectErrorStream(true).start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = output.readLine()) != null && !line.equals(CreateAndHang.CREATED)) {
                // the child's log lines
            }
            assertThat(line).as("the child's output ended before create returned").isEqualTo(CreateAndHang.CREATED);
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }

        try (SqlProductRepository reopened = SqlProductRepository.builder(SqlRepositoryConfig.forSqliteFile(file)).build()) {
            assertThat(reopened.findRequest("req-killed").orElseThrow().progress().total()).isEqualTo(500);
            assertThat(reopened.claim("w1", 1_000, T0, LEASE)).hasSize(500);
        }
    }

    private static String single(Statement statement, String sql) throws Exception {
        return single(statement, sql, 1);
    }

    private static String single(Statement statement, String sql, int column) throws Exception {
        try (ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).isTrue();
            return rows.getString(column);
        }
    }

    /** The child process: creates a request, says so, and waits to be killed. */
    public static final class CreateAndHang {
        static final String CREATED = "CREATED";

        public static void main(String[] args) throws Exception {
            SqlProductRepository repository = SqlProductRepository.builder(
                    SqlRepositoryConfig.forSqliteFile(Path.of(args[0]))).build();
            repository.create(request(args[1], T0, Integer.parseInt(args[2])));
            System.out.println(CREATED);
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }
}
