package io.imgpipe.sql;

import io.imgpipe.sql.LeaseTokens.TaskKey;
import io.imgpipe.spi.ImageOutput;
import io.imgpipe.spi.Lease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The writes a lease holder makes about its task. Each applies only while the task is
 * {@code processing} under the lease's exact token (and the lease names the task's request and
 * task id): one {@code UPDATE} by primary key (the row the token names), so a holder whose task
 * was taken over matches nothing. Expiry alone refuses nothing. Writes that move the task's images
 * between statuses change the request's counts in the same transaction. A release gives the
 * claim's attempt back ({@code attempts - 1}); complete, retry and fail keep it, ending it. On
 * PostgreSQL the task's update and the change of counts are one statement (a data-modifying
 * {@code WITH}), one round trip instead of two.
 */
final class TaskWrites {

    private static final String CLEAR_LEASE = "lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL";

    private final RequestCounts counts;
    private final boolean oneStatement;
    private final String fence;
    private final String renew;
    private final String complete;
    private final String retryLater;
    private final String fail;
    private final String release;

    TaskWrites(Tables tables, Dialect dialect, RequestCounts counts) {
        this.counts = counts;
        this.oneStatement = dialect == Dialect.POSTGRESQL;
        this.fence = " WHERE request_seq = ? AND task_no = ? AND lease_token = ? AND task_id = ? AND status = 'processing'"
                + " AND request_seq = (SELECT seq FROM " + tables.requests() + " WHERE id = ?)";
        String update = "UPDATE " + tables.tasks() + " SET ";
        this.renew = update + "lease_expires_at = ?, available_at = ?" + fence;
        String complete = update + "status = 'completed', available_at = NULL, " + CLEAR_LEASE
                + ", error = NULL, output_url = ?, source_bytes = ?, output_bytes = ?, width = ?, height = ?,"
                + " finished_at = ?" + fence + " RETURNING image_count";
        String retryLater = update + "status = 'pending', available_at = ?, " + CLEAR_LEASE + ", error = ?" + fence
                + " RETURNING image_count";
        String fail = update + "status = 'failed', available_at = NULL, " + CLEAR_LEASE + ", error = ?, finished_at = ?"
                + fence + " RETURNING image_count";
        String release = update + "status = 'pending', available_at = ?, attempts = attempts - 1, " + CLEAR_LEASE + fence
                + " RETURNING image_count";
        this.complete = oneStatement ? counts.withChange(complete) : complete;
        this.retryLater = oneStatement ? counts.withChange(retryLater) : retryLater;
        this.fail = oneStatement ? counts.withChange(fail) : fail;
        this.release = oneStatement ? counts.withChange(release) : release;
    }

    boolean renew(Connection connection, Lease lease, Instant newExpiry) throws SQLException {
        TaskKey key = LeaseTokens.parse(lease.token());
        if (key == null) {
            return false;
        }
        try (PreparedStatement update = connection.prepareStatement(renew)) {
            long expiry = Times.micros(newExpiry);
            update.setLong(1, expiry);
            update.setLong(2, expiry);
            bindFence(update, 3, key, lease);
            return update.executeUpdate() == 1;
        }
    }

    boolean complete(Connection connection, Lease lease, ImageOutput output, Instant now) throws SQLException {
        return apply(connection, lease, complete, Counts::completed, output.url().toString(), output.sourceBytes(),
                output.outputBytes(), (long) output.width(), (long) output.height(), Times.micros(now));
    }

    boolean retryLater(Connection connection, Lease lease, String error, Instant notBefore) throws SQLException {
        return apply(connection, lease, retryLater, Counts::requeued, Times.micros(notBefore), error);
    }

    boolean fail(Connection connection, Lease lease, String error, Instant now) throws SQLException {
        return apply(connection, lease, fail, Counts::failed, error, Times.micros(now));
    }

    boolean release(Connection connection, Lease lease, Instant notBefore) throws SQLException {
        return apply(connection, lease, release, Counts::requeued, Times.micros(notBefore));
    }

    private boolean apply(Connection connection, Lease lease, String sql, CountChange change, Object... values)
            throws SQLException {
        TaskKey key = LeaseTokens.parse(lease.token());
        if (key == null) {
            return false;
        }
        int images;
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            int index = 1;
            for (Object value : values) {
                if (value == null) {
                    update.setNull(index++, java.sql.Types.VARCHAR);
                } else if (value instanceof Long number) {
                    update.setLong(index++, number);
                } else {
                    update.setString(index++, (String) value);
                }
            }
            bindFence(update, index, key, lease);
            if (oneStatement) {
                Counts fixed = change.of(0);
                Counts perImage = change.of(1).minus(fixed);
                counts.bindChange(update, index + 5, key.requestSeq(), perImage, fixed);
                try (ResultSet rows = update.executeQuery()) {
                    return rows.next();
                }
            }
            try (ResultSet rows = update.executeQuery()) {
                if (!rows.next()) {
                    return false;
                }
                images = rows.getInt(1);
            }
        }
        counts.add(connection, key.requestSeq(), change.of(images));
        return true;
    }

    private static void bindFence(PreparedStatement update, int from, TaskKey key, Lease lease) throws SQLException {
        update.setLong(from, key.requestSeq());
        update.setInt(from + 1, key.taskNo());
        update.setString(from + 2, lease.token());
        update.setString(from + 3, lease.taskId());
        update.setString(from + 4, lease.requestId());
    }

    @FunctionalInterface
    private interface CountChange {
        Counts of(int images);
    }
}
