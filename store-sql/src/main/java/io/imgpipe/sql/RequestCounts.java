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
        int slots = dialect.countSlots();
        write(connection, requestSeq, slots == 1 ? 0 : ThreadLocalRandom.current().nextInt(slots), change);
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
