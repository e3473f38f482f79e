package io.imgpipe.spi;

/**
 * Creates {@link CsvIngestor}s by name; implementations are listed in
 * {@code META-INF/services/io.imgpipe.spi.CsvIngestorProvider}.
 */
public interface CsvIngestorProvider extends ComponentProvider<CsvIngestor> {
}
