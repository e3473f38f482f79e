package io.imgpipe.sql;

import io.imgpipe.sql.RequestReader.RequestRow;
import io.imgpipe.spi.RequestRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Finishing and deleting requests. A request is finished by one conditional update
 * ({@code WHERE finished_at IS NULL}): of any number of concurrent finishers exactly one changes
 * the row, and only that one gets the record.
 */
final class RequestLifecycle {

    private final Tables tables;
    private final Dialect dialect;
    private final RequestReader reader;
    private final RequestCounts counts;
    private final String finish;

    RequestLifecycle(Tables tables, Dialect dialect, RequestReader reader, RequestCounts counts) {
        this.tables = tables;
        this.dialect = dialect;
        this.reader = reader;
        this.counts = counts;
        this.finish = "UPDATE " + tables.requests() + " SET finished_at = ?, final_status = ?,"
                + " notification_state = 'open', notification_owner = ?, notification_expires_at = ?"
                + " WHERE seq = ? AND finished_at IS NULL";
    }

    /**
     * {@return whether the request exists, is not finished, and has no open task (a read, to skip the write)}
     */
    boolean mayFinish(Connection connection, String requestId) throws SQLException {
        Optional<RequestRow> row = reader.row(connection, requestId);
        return row.isPresent() && !row.get().isFinished() && counts.read(connection, row.get().seq()).openTasks() == 0;
    }

    Optional<RequestRecord> finishIfDone(Connection connection, String requestId, String owner, Instant now,
            Instant notificationExpiry) throws SQLException {
        Optional<RequestRow> row = reader.row(connection, requestId);
        if (row.isEmpty() || row.get().isFinished()) {
            return Optional.empty();
        }
        long seq = row.get().seq();
        Counts current = counts.read(connection, seq);
        if (current.openTasks() > 0) {
            return Optional.empty();
        }
        try (PreparedStatement update = connection.prepareStatement(finish)) {
            update.setLong(1, Times.micros(now));
            update.setString(2, current.failedTasks() > 0 ? "failed" : "completed");
            update.setString(3, owner);
            update.setLong(4, Times.micros(notificationExpiry));
            update.setLong(5, seq);
            if (update.executeUpdate() != 1) {
                return Optional.empty();
            }
        }
        return Optional.of(reader.record(connection, reader.row(connection, seq).orElseThrow()));
    }

    /**
     * {@return {@code false} if there is no such request}
     *
     * @throws IllegalStateException if it is not finished
     */
    boolean delete(Connection connection, String requestId) throws SQLException {
        Optional<RequestRow> row = reader.row(connection, requestId);
        if (row.isEmpty()) {
            return false;
        }
        long seq = row.get().seq();
        try (PreparedStatement lock = connection.prepareStatement("SELECT finished_at FROM " + tables.requests()
                + " WHERE seq = ?" + dialect.lockRow())) {
            lock.setLong(1, seq);
            try (ResultSet rows = lock.executeQuery()) {
                if (!rows.next()) {
                    return false;
                }
                rows.getLong(1);
                if (rows.wasNull()) {
                    throw new IllegalStateException("request " + requestId + " is not finished; only a finished request"
                            + " can be deleted");
                }
            }
        }
        for (String table : new String[] {tables.images(), tables.products(), tables.tasks(), tables.metadata()}) {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE request_seq = ?")) {
                delete.setLong(1, seq);
                delete.executeUpdate();
            }
        }
        counts.delete(connection, seq);
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + tables.requests() + " WHERE seq = ?")) {
            delete.setLong(1, seq);
            return delete.executeUpdate() == 1;
        }
    }
}
