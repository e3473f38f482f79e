package io.imgpipe.sql;

import io.imgpipe.spi.RequestRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Notification leases, kept on the request row: {@code notification_state} ({@code open} from the
 * finish until marked, then {@code sent}), its holder and expiry. Expired open notifications are
 * found through the partial index {@code imgpipe_requests_notifications}; renewing and marking
 * are conditional on the holder's name.
 */
final class Notifications {

    private final RequestReader reader;
    private final String expired;
    private final String hold;
    private final String renew;
    private final String mark;

    Notifications(Tables tables, Dialect dialect, RequestReader reader) {
        this.reader = reader;
        this.expired = "SELECT seq FROM " + tables.requests() + " WHERE notification_state = 'open'"
                + " AND notification_expires_at <= ? ORDER BY notification_expires_at, seq LIMIT ?"
                + dialect.lockClaimedRows();
        this.hold = "UPDATE " + tables.requests() + " SET notification_owner = ?, notification_expires_at = ? WHERE seq = ?";
        this.renew = "UPDATE " + tables.requests() + " SET notification_expires_at = ?"
                + " WHERE id = ? AND notification_state = 'open' AND notification_owner = ?";
        this.mark = "UPDATE " + tables.requests() + " SET notification_state = 'sent', notification_owner = NULL,"
                + " notification_expires_at = NULL, notified_at = ?"
                + " WHERE id = ? AND notification_state = 'open' AND notification_owner = ?";
    }

    List<RequestRecord> claim(Connection connection, String owner, int limit, Instant now, Instant expiresAt)
            throws SQLException {
        List<Long> seqs = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(expired)) {
            select.setLong(1, Times.micros(now));
            select.setInt(2, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    seqs.add(rows.getLong(1));
                }
            }
        }
        List<RequestRecord> claimed = new ArrayList<>(seqs.size());
        try (PreparedStatement update = connection.prepareStatement(hold)) {
            for (long seq : seqs) {
                update.setString(1, owner);
                update.setLong(2, Times.micros(expiresAt));
                update.setLong(3, seq);
                update.executeUpdate();
                claimed.add(reader.record(connection, reader.row(connection, seq).orElseThrow()));
            }
        }
        return claimed;
    }

    boolean renew(Connection connection, String requestId, String owner, Instant newExpiry) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(renew)) {
            update.setLong(1, Times.micros(newExpiry));
            update.setString(2, requestId);
            update.setString(3, owner);
            return update.executeUpdate() == 1;
        }
    }

    boolean markNotified(Connection connection, String requestId, String owner, Instant now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(mark)) {
            update.setLong(1, Times.micros(now));
            update.setString(2, requestId);
            update.setString(3, owner);
            return update.executeUpdate() == 1;
        }
    }
}
