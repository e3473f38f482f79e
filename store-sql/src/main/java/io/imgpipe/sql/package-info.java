/**
 * A {@link io.imgpipe.spi.ProductRepository} on JDBC for SQLite (the example server's embedded
 * default: one process, one file, durable commits) and PostgreSQL (shared by many workers through
 * {@code FOR UPDATE SKIP LOCKED} claims): {@link io.imgpipe.sql.SqlProductRepository} (built from a
 * {@link io.imgpipe.sql.SqlRepositoryConfig}) and its provider
 * {@link io.imgpipe.sql.SqlProductRepositoryProvider}, chosen by the name {@code sql}. The schema is
 * created and migrated by Flyway.
 */
package io.imgpipe.sql;
