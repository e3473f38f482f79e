/**
 * imgpipe store-sql: a {@code ProductRepository} on JDBC, SQLite (embedded, one process) or
 * PostgreSQL (shared by many workers).
 *
 * <p>The JDBC drivers are found through {@link java.sql.DriverManager}'s service lookup, so they
 * are optional here: a host running one database may leave the other's driver out.
 */
module io.imgpipe.sql {
    requires transitive io.imgpipe.core;
    requires transitive java.sql;
    requires com.zaxxer.hikari;
    // Flyway 13 declares no module name; this is the name derived from its jar file
    requires flyway.core;
    requires org.slf4j;
    requires static org.xerial.sqlitejdbc;
    requires static org.postgresql.jdbc;

    exports io.imgpipe.sql;
    // Flyway reads the migration scripts through a class loader, which finds resources in a named
    // module only where their package is open to all
    opens io.imgpipe.sql.migration.sqlite;
    opens io.imgpipe.sql.migration.postgresql;

    provides io.imgpipe.spi.ProductRepositoryProvider with io.imgpipe.sql.SqlProductRepositoryProvider;
}
