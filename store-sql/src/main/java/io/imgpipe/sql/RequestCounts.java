package io.imgpipe.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code imgpipe_request_counts} rows: every task write adds its change to one slot of its
 * request in the same transaction; progress is the sum over the request's slots (at most
 * {@link Dialect#countSlots()} rows, read by primary key).
 */
final class RequestCounts {

    private final Tables tables;
    private final Dialect dialect;
    private final String add;
    private final String read;

    RequestCounts(Tables tables, Dialect dialect) {
        this.tables = tables;
        this.dialect = dialect;
        this.add = "INSERT INTO " + tables.counts() + " AS c (request_seq, slot, pending, processing, completed, failed,"
                + " open_tasks, failed_tasks) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_seq, slot) DO UPDATE SET"
                + " pending = c.pending + excluded.pending, processing = c.processing + excluded.processing,"
                + " completed = c.completed + excluded.completed, failed = c.failed + excluded.failed,"
                + " open_tasks = c.open_tasks + excluded.open_tasks, failed_tasks = c.failed_tasks + excluded.failed_tasks";
        this.read = "SELECT COALESCE(SUM(pending), 0), COALESCE(SUM(processing), 0), COALESCE(SUM(completed), 0),"
                + " COALESCE(SUM(failed), 0), COALESCE(SUM(open_tasks), 0), COALESCE(SUM(failed_tasks), 0) FROM "
                + tables.counts() + " WHERE request_seq = ?";
    }

    /** Stores a new request's counts: every image pending, every task open. */
    void create(Connection connection, long requestSeq, int images, int tasks) throws SQLException {
        write(connection, requestSeq, 0, new Counts(images, 0, 0, 0, tasks, 0));
    }

    /** Adds a change to one slot of the request's counts (a random one, where there are several). */
    void add(Connection connection, long requestSeq, Counts change) throws SQLException {
        if (change.isZero()) {
            return;
        }
        write(connection, requestSeq, slot(), change);
    }

    /** {@return the slot a change goes to: a random one, where there are several} */
    int slot() {
        int slots = dialect.countSlots();
        return slots == 1 ? 0 : ThreadLocalRandom.current().nextInt(slots);
    }

    /**
     * {@return one PostgreSQL statement that runs {@code taskUpdate} and adds the change it causes
     *     to the request's counts, returning a row only if the update matched a task}
     *
     * <p>{@code taskUpdate} is an {@code UPDATE} of one task {@code RETURNING image_count}; its
     * parameters come first, then those {@link #bindChange} binds. The change is linear in the
     * task's image count ({@code perImage * image_count + fixed} for each column), as every task
     * write's change is. One statement instead of two saves a round trip per task write.
     *
     * @param taskUpdate the task's update, with its {@code RETURNING image_count}
     */
    String withChange(String taskUpdate) {
        String[] columns = {"pending", "processing", "completed", "failed", "open_tasks", "failed_tasks"};
        StringBuilder sql = new StringBuilder("WITH t AS (").append(taskUpdate).append(") INSERT INTO ")
                .append(tables.counts()).append(" AS c (request_seq, slot");
        for (String column : columns) {
            sql.append(", ").append(column);
        }
        sql.append(") SELECT CAST(? AS BIGINT), CAST(? AS INTEGER)");
        for (int i = 0; i < columns.length; i++) {
            sql.append(", CAST(? AS INTEGER) * t.image_count + CAST(? AS INTEGER)");
        }
        sql.append(" FROM t ON CONFLICT (request_seq, slot) DO UPDATE SET ");
        for (int i = 0; i < columns.length; i++) {
            sql.append(i == 0 ? "" : ", ").append(columns[i]).append(" = c.").append(columns[i]).append(" + excluded.")
                    .append(columns[i]);
        }
        return sql.append(" RETURNING c.request_seq").toString();
    }

    /**
     * Binds the parameters {@link #withChange} adds, from index {@code from}: the request, a slot,
     * and for each column the change per image and the fixed change.
     *
     * @param perImage the change of a task of one image minus that of a task of none
     * @param fixed the change of a task of no image
     */
    void bindChange(PreparedStatement statement, int from, long requestSeq, Counts perImage, Counts fixed)
            throws SQLException {
        statement.setLong(from, requestSeq);
        statement.setInt(from + 1, slot());
        int[] image = {perImage.pending(), perImage.processing(), perImage.completed(), perImage.failed(),
            perImage.openTasks(), perImage.failedTasks()};
        int[] constant = {fixed.pending(), fixed.processing(), fixed.completed(), fixed.failed(), fixed.openTasks(),
            fixed.failedTasks()};
        for (int i = 0; i < image.length; i++) {
            statement.setInt(from + 2 + 2 * i, image[i]);
            statement.setInt(from + 3 + 2 * i, constant[i]);
        }
    }

    Counts read(Connection connection, long requestSeq) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(read)) {
            select.setLong(1, requestSeq);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return new Counts(rows.getInt(1), rows.getInt(2), rows.getInt(3), rows.getInt(4), rows.getInt(5),
                        rows.getInt(6));
            }
        }
    }

    void delete(Connection connection, long requestSeq) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + tables.counts()
                + " WHERE request_seq = ?")) {
            delete.setLong(1, requestSeq);
            delete.executeUpdate();
        }
    }

    private void write(Connection connection, long requestSeq, int slot, Counts change) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(add)) {
            upsert.setLong(1, requestSeq);
            upsert.setInt(2, slot);
            upsert.setInt(3, change.pending());
            upsert.setInt(4, change.processing());
            upsert.setInt(5, change.completed());
            upsert.setInt(6, change.failed());
            upsert.setInt(7, change.openTasks());
            upsert.setInt(8, change.failedTasks());
            upsert.executeUpdate();
        }
    }
}
