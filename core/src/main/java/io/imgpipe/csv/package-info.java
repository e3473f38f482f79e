/**
 * The default {@link io.imgpipe.spi.CsvIngestor}: reads and validates product CSVs with Apache
 * commons-csv.
 *
 * <p>{@link io.imgpipe.csv.CommonsCsvIngestor} streams the upload record by record, enforces the
 * {@link io.imgpipe.csv.CsvLimits} while reading, and reports every problem of a refused file at
 * once, each with the physical line its record starts on. {@link io.imgpipe.csv.CommonsCsvIngestorProvider}
 * creates it by name ({@code commons-csv}) from {@code imgpipe.csv.*} properties. Everything else
 * in this package is an implementation detail.
 */
package io.imgpipe.csv;
