package io.imgpipe.sql;

import io.imgpipe.RepositoryException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Turns driver exceptions into {@link RepositoryException}s, retryable when the database may
 * recover: lost or refused connections, time-outs, lock conflicts, serialization failures and
 * deadlocks, a server shutting down, a full disk; not for constraint violations, bad SQL or
 * permissions. The driver's exception is the cause.
 */
final class SqlErrors {

    /** SQLite primary result codes worth another try: BUSY, LOCKED, IOERR, FULL, PROTOCOL. */
    private static final Set<Integer> SQLITE_RETRYABLE = Set.of(5, 6, 10, 13, 15);
    /** PostgreSQL SQLSTATE classes worth another try: connection, resources, operator intervention, system. */
    private static final Set<String> POSTGRES_RETRYABLE_CLASSES = Set.of("08", "53", "57", "58");
    /** PostgreSQL SQLSTATEs worth another try: serialization failure, deadlock, lock not available. */
    private static final Set<String> POSTGRES_RETRYABLE_STATES = Set.of("40001", "40P01", "55P03");
    private static final int SQLITE_CONSTRAINT = 19;

    private SqlErrors() {
    }

    /**
     * {@return the exception to throw}
     *
     * @param what what was being done, for the message
     * @param e the driver's exception
     * @param dialect the database it came from
     */
    static RepositoryException wrap(String what, SQLException e, Dialect dialect) {
        return new RepositoryException(what + " failed: " + e.getMessage(), e, isRetryable(e, dialect));
    }

    static boolean isRetryable(SQLException e, Dialect dialect) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        String state = e.getSQLState();
        if (dialect == Dialect.POSTGRESQL) {
            if (state == null) {
                return false;
            }
            return POSTGRES_RETRYABLE_STATES.contains(state)
                    || (state.length() >= 2 && POSTGRES_RETRYABLE_CLASSES.contains(state.substring(0, 2)));
        }
        return SQLITE_RETRYABLE.contains(e.getErrorCode() & 0xff);
    }

    /**
     * {@return whether PostgreSQL aborted the transaction only because of a concurrent one (try it again at once)}
     */
    static boolean isConflict(SQLException e, Dialect dialect) {
        return dialect == Dialect.POSTGRESQL && ("40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState()));
    }

    /** {@return whether a unique or other constraint refused a write} */
    static boolean isConstraintViolation(SQLException e, Dialect dialect) {
        if (dialect == Dialect.POSTGRESQL) {
            return e.getSQLState() != null && e.getSQLState().startsWith("23");
        }
        return (e.getErrorCode() & 0xff) == SQLITE_CONSTRAINT;
    }
}
