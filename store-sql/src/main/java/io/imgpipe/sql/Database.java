package io.imgpipe.sql;

/**
 * How the repository reaches its database: each piece of work runs in a transaction of its own
 * (SQLite may commit several writers' work together, each under a savepoint). Thread-safe.
 */
interface Database extends AutoCloseable {

    /** {@return the database's dialect} */
    Dialect dialect();

    /**
     * Runs {@code work} in a read-write transaction and commits it; when this returns, the
     * transaction is durable. An exception rolls the work back and is thrown: a
     * {@link java.sql.SQLException} as an {@link io.imgpipe.RepositoryException} naming
     * {@code what}, anything else as it is.
     *
     * @param what what is being done, for error messages
     * @param work the work
     * @param <T> its result
     * @return its result
     */
    <T> T write(String what, SqlWork<T> work);

    /**
     * Runs {@code work} in a read-only transaction that sees one consistent state of the database.
     *
     * @param what what is being done, for error messages
     * @param work the work
     * @param <T> its result
     * @return its result
     */
    <T> T read(String what, SqlWork<T> work);

    /** Closes the connections this opened; never a data source given to the repository. Idempotent. */
    @Override
    void close();
}
