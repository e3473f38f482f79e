package io.imgpipe.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/** What differs between the two databases: locking clauses, counter slots, serve numbers, migrations. */
enum Dialect {

    /** SQLite: one writer at a time, so no row locks and one counter slot per request. */
    SQLITE("SQLite", "sqlite", 1, "", " INDEXED BY imgpipe_tasks_claimable", "") {
        @Override
        long[] nextServeNumbers(Connection connection, Tables tables, int count) throws SQLException {
            long last;
            try (PreparedStatement select = connection.prepareStatement("SELECT COALESCE(MAX(last_served), 0) FROM "
                    + tables.requests() + " WHERE finished_at IS NULL");
                 ResultSet rows = select.executeQuery()) {
                rows.next();
                last = rows.getLong(1);
            }
            long[] numbers = new long[count];
            for (int i = 0; i < count; i++) {
                numbers[i] = last + 1 + i;
            }
            return numbers;
        }
    },

    /** PostgreSQL: claims lock the rows they take and skip those others hold. */
    POSTGRESQL("PostgreSQL", "postgresql", 16, " FOR UPDATE SKIP LOCKED", "", " COLLATE \"C\"") {
        @Override
        long[] nextServeNumbers(Connection connection, Tables tables, int count) throws SQLException {
            long[] numbers = new long[count];
            try (PreparedStatement select = connection.prepareStatement("SELECT nextval('" + tables.serveOrder()
                    + "') FROM generate_series(1, ?) ORDER BY 1")) {
                select.setInt(1, count);
                try (ResultSet rows = select.executeQuery()) {
                    for (int i = 0; i < count && rows.next(); i++) {
                        numbers[i] = rows.getLong(1);
                    }
                }
            }
            return numbers;
        }
    };

    private final String displayName;
    private final String migrationDirectory;
    private final int countSlots;
    private final String lockClaimedRows;
    private final String useClaimableIndex;
    private final String byCodePoint;

    Dialect(String displayName, String migrationDirectory, int countSlots, String lockClaimedRows,
            String useClaimableIndex, String byCodePoint) {
        this.displayName = displayName;
        this.migrationDirectory = migrationDirectory;
        this.countSlots = countSlots;
        this.lockClaimedRows = lockClaimedRows;
        this.useClaimableIndex = useClaimableIndex;
        this.byCodePoint = byCodePoint;
    }

    /**
     * {@return the dialect of a {@code jdbc:sqlite:} or {@code jdbc:postgresql:} URL}
     *
     * @param jdbcUrl a JDBC URL
     * @throws IllegalArgumentException for any other URL
     */
    static Dialect ofUrl(String jdbcUrl) {
        String url = jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("not a jdbc:sqlite: or jdbc:postgresql: URL");
    }

    /**
     * {@return the dialect}
     *
     * @param productName {@link java.sql.DatabaseMetaData#getDatabaseProductName()}
     * @throws IllegalArgumentException for another database
     */
    static Dialect ofProductName(String productName) {
        for (Dialect dialect : values()) {
            if (dialect.displayName.equalsIgnoreCase(productName)) {
                return dialect;
            }
        }
        throw new IllegalArgumentException("unsupported database " + productName + "; store-sql runs on SQLite and PostgreSQL");
    }

    /** {@return the Flyway location of this database's migrations} */
    String migrationLocation() {
        return "classpath:io/imgpipe/sql/migration/" + migrationDirectory;
    }

    /**
     * {@return how many rows a request's counts are spread over; each write adds to one, picked at
     *     random, so that concurrent writers seldom wait for the same row}
     */
    int countSlots() {
        return countSlots;
    }

    /** {@return appended to a query to lock the row it reads until the transaction ends (none on SQLite)} */
    String lockRow() {
        return this == POSTGRESQL ? " FOR UPDATE" : "";
    }

    /** {@return appended to a claim's task query: locks the rows read, skipping rows others hold} */
    String lockClaimedRows() {
        return lockClaimedRows;
    }

    /**
     * {@return written after the tasks table in a claim's query: on SQLite {@code INDEXED BY} the
     *     partial index of open tasks, since its planner (3.54) otherwise prefers the primary key of
     *     the {@code WITHOUT ROWID} table, which covers the query but walks every finished task of
     *     the request before the first open one}
     */
    String useClaimableIndex() {
        return useClaimableIndex;
    }

    /**
     * {@return written after a text column to compare it as {@link String#compareTo} does for ASCII
     *     (byte order), whatever the database's collation: {@code COLLATE "C"} on PostgreSQL; SQLite's
     *     default collation already is}
     */
    String byCodePoint() {
        return byCodePoint;
    }

    /**
     * Hands out increasing numbers for the serve order of claims: each is larger than the
     * {@code last_served} of every open request.
     *
     * @param connection in the claim's transaction
     * @param tables the table names
     * @param count how many
     * @return {@code count} increasing numbers
     */
    abstract long[] nextServeNumbers(Connection connection, Tables tables, int count) throws SQLException;

    @Override
    public String toString() {
        return displayName;
    }
}
