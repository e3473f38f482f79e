package io.imgpipe.sql;

import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.Lease;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Claims, in one short transaction each. Requests with claimable tasks take turns: open requests
 * are read least recently served first (never served, {@code last_served = 0}, in creation order),
 * each gives its next claimable task in creation order, then the next request, round after round,
 * until {@code limit} tasks are claimed or none is left. A request's claimable tasks are read from
 * the partial index of open tasks ({@code imgpipe_tasks_claimable}); on PostgreSQL they are locked
 * as they are read, skipping rows another claimer holds ({@code FOR UPDATE SKIP LOCKED}), and on
 * SQLite the claim runs in the single writer's immediate transaction. Each served request's
 * {@code last_served} then takes the next serve number, in the order the requests were last
 * served by this claim.
 *
 * <p>Attempts: a claim of a pending task starts an attempt ({@code attempts + 1}); a claim that
 * takes over an expired lease continues the abandoned claim's attempt and counts it abandoned
 * ({@code abandoned + 1}). A claim keeps the task's last error: a release shows it again.
 */
final class ClaimQueue {

    private static final int REQUESTS_PER_READ = 64;

    private final Tables tables;
    private final Dialect dialect;
    private final RequestCounts counts;
    private final String openRequests;
    private final String claimableTasks;
    private final String takeTask;
    private final String markServed;

    ClaimQueue(Tables tables, Dialect dialect, RequestCounts counts) {
        this.tables = tables;
        this.dialect = dialect;
        this.counts = counts;
        this.openRequests = "SELECT seq, id, last_served FROM " + tables.requests()
                + " WHERE finished_at IS NULL AND (last_served > ? OR (last_served = ? AND seq > ?))"
                + " ORDER BY last_served, seq LIMIT " + REQUESTS_PER_READ;
        this.claimableTasks = "SELECT task_no, task_id, url, output_key, image_count, status, attempts, abandoned FROM "
                + tables.tasks() + dialect.useClaimableIndex() + " WHERE request_seq = ? AND task_no > ? AND available_at <= ?"
                + " ORDER BY task_no LIMIT ?" + dialect.lockClaimedRows();
        this.takeTask = "UPDATE " + tables.tasks() + " SET status = 'processing', attempts = attempts + ?,"
                + " abandoned = abandoned + ?, lease_owner = ?, lease_token = ?, lease_expires_at = ?, available_at = ?"
                + " WHERE request_seq = ? AND task_no = ?";
        this.markServed = "UPDATE " + tables.requests() + " SET last_served = ? WHERE seq = ?";
    }

    List<ClaimedTask> claim(Connection connection, String owner, int limit, Instant now, Duration lease)
            throws SQLException {
        long nowMicros = Times.micros(now);
        List<Turn> turns = findRequestsWithWork(connection, limit, nowMicros);
        List<Candidate> chosen = takeTurns(connection, turns, limit, nowMicros);
        if (chosen.isEmpty()) {
            return List.of();
        }
        Instant expiresAt = now.plus(lease);
        long expiryMicros = Times.micros(expiresAt);
        List<ClaimedTask> claimed = new ArrayList<>(chosen.size());
        Map<Long, Counts> changes = new TreeMap<>();
        try (PreparedStatement update = connection.prepareStatement(takeTask)) {
            for (Candidate task : chosen) {
                String token = LeaseTokens.newToken(task.turn.seq, task.taskNo);
                int startsAttempt = task.wasProcessing ? 0 : 1;
                int takesOver = task.wasProcessing ? 1 : 0;
                update.setInt(1, startsAttempt);
                update.setInt(2, takesOver);
                update.setString(3, owner);
                update.setString(4, token);
                update.setLong(5, expiryMicros);
                update.setLong(6, expiryMicros);
                update.setLong(7, task.turn.seq);
                update.setInt(8, task.taskNo);
                update.addBatch();
                if (!task.wasProcessing) {
                    changes.merge(task.turn.seq, Counts.claimed(task.imageCount), Counts::plus);
                }
                claimed.add(new ClaimedTask(new Lease(task.turn.requestId, task.taskId, owner, token, expiresAt),
                        URI.create(task.url), task.outputKey, task.attempts + startsAttempt, task.abandoned + takesOver));
            }
            update.executeBatch();
        }
        for (Map.Entry<Long, Counts> change : changes.entrySet()) {
            counts.add(connection, change.getKey(), change.getValue());
        }
        markServed(connection, chosen);
        return claimed;
    }

    /**
     * Reads open requests in serve order, and of each its first claimable task, until
     * {@code limit} requests with work are found or none is left.
     */
    private List<Turn> findRequestsWithWork(Connection connection, int limit, long nowMicros) throws SQLException {
        List<Turn> turns = new ArrayList<>();
        long afterServed = -1;
        long afterSeq = 0;
        try (PreparedStatement requests = connection.prepareStatement(openRequests);
             PreparedStatement tasks = connection.prepareStatement(claimableTasks)) {
            while (turns.size() < limit) {
                requests.setLong(1, afterServed);
                requests.setLong(2, afterServed);
                requests.setLong(3, afterSeq);
                List<Turn> page = new ArrayList<>(REQUESTS_PER_READ);
                try (ResultSet rows = requests.executeQuery()) {
                    while (rows.next()) {
                        page.add(new Turn(rows.getLong(1), rows.getString(2)));
                        afterServed = rows.getLong(3);
                        afterSeq = rows.getLong(1);
                    }
                }
                for (Turn turn : page) {
                    if (turns.size() == limit) {
                        break;
                    }
                    if (turn.fetch(tasks, 1, nowMicros)) {
                        turns.add(turn);
                    }
                }
                if (page.size() < REQUESTS_PER_READ) {
                    break;
                }
            }
        }
        return turns;
    }

    /**
     * Picks tasks round-robin over the requests with work, in their order: one task of each per
     * round, skipping requests that have no more, until {@code limit} are picked. A request's
     * further tasks are read only when its turn comes and none is left from the last read.
     */
    private List<Candidate> takeTurns(Connection connection, List<Turn> turns, int limit, long nowMicros)
            throws SQLException {
        List<Candidate> chosen = new ArrayList<>(limit);
        Deque<Turn> active = new ArrayDeque<>(turns);
        try (PreparedStatement tasks = connection.prepareStatement(claimableTasks)) {
            while (chosen.size() < limit && !active.isEmpty()) {
                Turn turn = active.pollFirst();
                if (turn.fetched.isEmpty() && !turn.exhausted) {
                    int wanted = Math.max(1, ceilDiv(limit - chosen.size(), active.size() + 1));
                    turn.fetch(tasks, wanted, nowMicros);
                }
                if (!turn.fetched.isEmpty()) {
                    chosen.add(turn.fetched.pollFirst());
                    active.addLast(turn);
                }
            }
        }
        return chosen;
    }

    /** Gives each served request the next serve number, in the order of its last task in {@code chosen}. */
    private void markServed(Connection connection, List<Candidate> chosen) throws SQLException {
        Map<Long, Integer> lastTurn = new LinkedHashMap<>();
        for (int i = 0; i < chosen.size(); i++) {
            lastTurn.put(chosen.get(i).turn.seq, i);
        }
        List<Long> inServeOrder = new ArrayList<>(lastTurn.keySet());
        inServeOrder.sort(Comparator.comparing(lastTurn::get));
        long[] numbers = dialect.nextServeNumbers(connection, tables, inServeOrder.size());
        Map<Long, Long> bySeq = new TreeMap<>();
        for (int i = 0; i < inServeOrder.size(); i++) {
            bySeq.put(inServeOrder.get(i), numbers[i]);
        }
        try (PreparedStatement update = connection.prepareStatement(markServed)) {
            for (Map.Entry<Long, Long> served : bySeq.entrySet()) {
                update.setLong(1, served.getValue());
                update.setLong(2, served.getKey());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** A request taking turns in one claim: the tasks read from it and not handed out yet. */
    private static final class Turn {
        final long seq;
        final String requestId;
        final Deque<Candidate> fetched = new ArrayDeque<>();
        int lastTaskNo = -1;
        boolean exhausted;

        Turn(long seq, String requestId) {
            this.seq = seq;
            this.requestId = requestId;
        }

        /** Reads up to {@code count} more claimable tasks. @return whether any was found */
        boolean fetch(PreparedStatement tasks, int count, long nowMicros) throws SQLException {
            tasks.setLong(1, seq);
            tasks.setInt(2, lastTaskNo);
            tasks.setLong(3, nowMicros);
            tasks.setInt(4, count);
            int found = 0;
            try (ResultSet rows = tasks.executeQuery()) {
                while (rows.next()) {
                    Candidate candidate = new Candidate(this, rows.getInt(1), rows.getString(2), rows.getString(3),
                            rows.getString(4), rows.getInt(5), "processing".equals(rows.getString(6)), rows.getInt(7),
                            rows.getInt(8));
                    fetched.addLast(candidate);
                    lastTaskNo = candidate.taskNo;
                    found++;
                }
            }
            if (found < count) {
                exhausted = true;
            }
            return found > 0;
        }
    }

    private record Candidate(Turn turn, int taskNo, String taskId, String url, String outputKey, int imageCount,
            boolean wasProcessing, int attempts, int abandoned) {
    }
}
