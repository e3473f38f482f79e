package io.imgpipe.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Inserts many rows with statements of {@value #ROWS_PER_STATEMENT} rows each
 * ({@code INSERT ... VALUES (...), (...), ...}): one round trip per chunk on PostgreSQL whatever
 * the driver's batch settings, and well under both databases' limits on parameters per statement.
 * Values are {@link Integer}, {@link Long}, {@link String} or {@code null} (a text column).
 * Not thread-safe.
 */
final class MultiRowInsert implements AutoCloseable {

    static final int ROWS_PER_STATEMENT = 500;

    private final Connection connection;
    private final String prefix;
    private final String rowPlaceholders;
    private final int columns;
    private final List<Object> buffered = new ArrayList<>();
    private PreparedStatement fullChunk;

    /**
     * Creates a {@code MultiRowInsert}.
     *
     * @param connection in the inserting transaction
     * @param table the table
     * @param columnList its columns, comma-separated
     */
    MultiRowInsert(Connection connection, String table, String columnList) {
        this.connection = connection;
        this.columns = columnList.split(",").length;
        this.prefix = "INSERT INTO " + table + " (" + columnList + ") VALUES ";
        this.rowPlaceholders = "(" + "?, ".repeat(columns - 1) + "?)";
    }

    /** Adds a row, writing a chunk when one is full. */
    void add(Object... values) throws SQLException {
        if (values.length != columns) {
            throw new IllegalArgumentException("expected " + columns + " values, got " + values.length);
        }
        for (Object value : values) {
            buffered.add(value);
        }
        if (buffered.size() == columns * ROWS_PER_STATEMENT) {
            if (fullChunk == null) {
                fullChunk = connection.prepareStatement(sql(ROWS_PER_STATEMENT));
            }
            bindAndRun(fullChunk);
        }
    }

    /** Writes the rows not written yet. */
    void flush() throws SQLException {
        if (buffered.isEmpty()) {
            return;
        }
        try (PreparedStatement rest = connection.prepareStatement(sql(buffered.size() / columns))) {
            bindAndRun(rest);
        }
    }

    @Override
    public void close() throws SQLException {
        if (fullChunk != null) {
            fullChunk.close();
        }
    }

    private String sql(int rows) {
        StringBuilder sql = new StringBuilder(prefix.length() + rows * (rowPlaceholders.length() + 2)).append(prefix);
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ", ").append(rowPlaceholders);
        }
        return sql.toString();
    }

    private void bindAndRun(PreparedStatement statement) throws SQLException {
        for (int i = 0; i < buffered.size(); i++) {
            Object value = buffered.get(i);
            int index = i + 1;
            if (value == null) {
                statement.setNull(index, Types.VARCHAR);
            } else if (value instanceof Integer number) {
                statement.setInt(index, number);
            } else if (value instanceof Long number) {
                statement.setLong(index, number);
            } else {
                statement.setString(index, (String) value);
            }
        }
        statement.executeUpdate();
        buffered.clear();
    }
}
