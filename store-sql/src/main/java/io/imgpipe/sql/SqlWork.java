package io.imgpipe.sql;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work done in one transaction on a connection it must not keep.
 *
 * @param <T> its result
 */
@FunctionalInterface
interface SqlWork<T> {

    T run(Connection connection) throws SQLException;
}
