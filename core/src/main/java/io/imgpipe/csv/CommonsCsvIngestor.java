package io.imgpipe.csv;

import io.imgpipe.CsvValidationException;
import io.imgpipe.spi.CsvIngestor;
import io.imgpipe.spi.ProductRow;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import org.apache.commons.csv.CSVFormat;

/**
 * The default {@link CsvIngestor}, built on Apache commons-csv (RFC 4180: comma-separated,
 * {@code "}-quoted, quotes doubled inside quoted cells; CRLF, LF or CR line ends).
 *
 * <h2>What it accepts</h2>
 * <ul>
 *   <li>UTF-8, with or without a byte-order mark.</li>
 *   <li>A header row with {@code Product Name} and {@code Input Image Urls} and optionally
 *       {@code S. No.}, matched ignoring case, surrounding spaces and runs of inner whitespace;
 *       other columns are ignored. Blank lines and rows whose cells are all blank are skipped.</li>
 *   <li>In {@code Input Image Urls}, one or more absolute {@code http}/{@code https} URLs with a
 *       host and no user-info, separated by commas (spaces around them allowed, empty entries
 *       skipped; a comma inside a URL must be written {@code %2C}). A scheme in upper case is
 *       returned lower-cased.</li>
 *   <li>In {@code S. No.}, a positive integer unique in the file; without that column, each row's
 *       serial number is its 1-based position among the data rows.</li>
 * </ul>
 *
 * <h2>How it refuses</h2>
 * Validation is all-or-nothing: a {@link CsvValidationException} lists every problem found, each
 * with the 1-based physical line its record starts on (the header is line 1; for invalid UTF-8,
 * the line holding the invalid bytes) and the column as the specification spells it, or
 * {@code null} for row- and file-level problems. At most 1,000 problems are listed, followed by
 * one saying how many more were found. Reading stops at a problem that prevents reading on: a
 * missing or repeated header, malformed CSV (such as an unterminated quote), invalid UTF-8, and
 * exceeding {@link CsvLimits#maxBytes()}, {@link CsvLimits#maxRows()} or
 * {@link CsvLimits#maxUrls()}. The byte limit is enforced while reading, so an oversized upload
 * is refused after at most {@code maxBytes + 1} bytes.
 *
 * <p>The file is parsed record by record and never held whole in memory; only the resulting rows
 * are kept.
 *
 * <p>Immutable and thread-safe: one instance serves concurrent reads. It never closes the stream
 * it is given.
 */
public final class CommonsCsvIngestor implements CsvIngestor {

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            .setIgnoreEmptyLines(false)
            .setIgnoreSurroundingSpaces(true)
            .get();

    private final CsvLimits limits;
    private final ImageUrlValidator urlValidator;

    /** Creates an ingestor with {@link CsvLimits#DEFAULTS}. */
    public CommonsCsvIngestor() {
        this(CsvLimits.DEFAULTS);
    }

    /**
     * Creates a {@code CommonsCsvIngestor}.
     *
     * @param limits the limits every file must respect
     */
    public CommonsCsvIngestor(CsvLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.urlValidator = new ImageUrlValidator(limits);
    }

    /** {@return the limits every file must respect} */
    public CsvLimits limits() {
        return limits;
    }

    /**
     * Reads and validates a whole CSV. Does not close the stream.
     *
     * @param csv the uploaded bytes (UTF-8, with or without a byte-order mark)
     * @return the rows in file order; never empty
     * @throws CsvValidationException listing every problem, if anything in the file is invalid or
     *     a limit is exceeded
     * @throws IOException if reading the stream fails
     */
    @Override
    public List<ProductRow> read(InputStream csv) throws IOException {
        Objects.requireNonNull(csv, "csv");
        return new CsvReading(csv, limits, FORMAT, urlValidator).read();
    }

    @Override
    public String toString() {
        return "CommonsCsvIngestor" + limits;
    }
}
