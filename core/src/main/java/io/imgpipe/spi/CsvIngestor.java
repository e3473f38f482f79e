package io.imgpipe.spi;

import io.imgpipe.CsvValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Reads and validates an uploaded product CSV.
 *
 * <p>Validation is all-or-nothing: either every row is valid and all are returned, or a
 * {@link CsvValidationException} lists every problem found, each with its line and column.
 * Implementations read the stream incrementally and enforce their configured size limits while
 * reading, so an oversized upload is refused without being held in memory.
 *
 * <p>Implementations are thread-safe: one instance serves concurrent uploads.
 */
public interface CsvIngestor {

    /**
     * Reads a whole CSV. Does not close the stream.
     *
     * @param csv the uploaded bytes (UTF-8, with or without a byte-order mark)
     * @return the rows in file order; never empty
     * @throws CsvValidationException if anything in the file is invalid, or a limit is exceeded
     * @throws IOException if reading the stream fails
     */
    List<ProductRow> read(InputStream csv) throws IOException;
}
