package io.imgpipe.csv;

import io.imgpipe.CsvValidationException;
import io.imgpipe.spi.ProductRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read of one file: parses it record by record, skips blank records, finds the header,
 * validates each data row and gathers every problem. Not thread-safe: created per read.
 */
final class CsvReading {

    private static final Logger LOG = LoggerFactory.getLogger(CsvReading.class);

    private static final String UNTERMINATED_QUOTE = "EOF reached before encapsulated token finished";
    private static final String TEXT_AFTER_QUOTE = "Invalid character between encapsulated token and delimiter";

    private final CsvLimits limits;
    private final CSVFormat format;
    private final ImageUrlValidator urlValidator;
    private final ProblemCollector problems = new ProblemCollector();
    private final ByteLimitInputStream bytes;
    private final StrictUtf8Reader text;

    /**
     * Creates a {@code CsvReading}.
     *
     * @param csv the uploaded bytes; not closed
     * @param limits the limits to enforce
     * @param format the commons-csv dialect
     * @param urlValidator checks image URLs
     */
    CsvReading(InputStream csv, CsvLimits limits, CSVFormat format, ImageUrlValidator urlValidator) {
        this.limits = limits;
        this.format = format;
        this.urlValidator = urlValidator;
        this.bytes = new ByteLimitInputStream(csv, limits.maxBytes());
        this.text = new StrictUtf8Reader(bytes);
    }

    /**
     * {@return the rows in file order; never empty}
     *
     * @throws CsvValidationException listing every problem found
     * @throws IOException if reading the stream fails
     */
    List<ProductRow> read() throws IOException {
        List<ProductRow> rows = new ArrayList<>();
        CsvHeader header = null;
        long headerLine = 0;
        RowValidator validator = null;
        long dataRows = 0;
        long urls = 0;
        try (CSVParser parser = CSVParser.builder().setReader(text).setFormat(format).get()) {
            Iterator<CSVRecord> records = parser.iterator();
            while (true) {
                long line = parser.getCurrentLineNumber() + 1;
                Optional<CSVRecord> next = nextRecord(records, line);
                if (next.isEmpty()) {
                    break;
                }
                CSVRecord record = next.get();
                if (isBlank(record)) {
                    continue;
                }
                if (header == null) {
                    Optional<CsvHeader> parsed = CsvHeader.parse(record, line, problems);
                    if (parsed.isEmpty()) {
                        throw refused();
                    }
                    header = parsed.get();
                    headerLine = line;
                    validator = new RowValidator(header, urlValidator, problems);
                    continue;
                }
                if (++dataRows > limits.maxRows()) {
                    problems.add(line, null, "the file has more than " + limits.maxRows()
                            + " data rows, the limit (maxRows); reading stopped on this line");
                    throw refused();
                }
                Optional<ProductRow> row = validator.validate(record, line);
                if (row.isPresent()) {
                    urls += row.get().imageUrls().size();
                    if (urls > limits.maxUrls()) {
                        problems.add(line, null, "the file has more than " + limits.maxUrls()
                                + " image URLs, the limit (maxUrls); reading stopped on this line");
                        throw refused();
                    }
                    if (problems.isEmpty()) {
                        rows.add(row.get());
                    }
                }
            }
        }
        if (header == null) {
            problems.add(1, null, "empty file: expected a header row with " + CsvColumn.PRODUCT_NAME.headerName()
                    + " and " + CsvColumn.IMAGE_URLS.headerName() + " and at least one data row");
        } else if (dataRows == 0) {
            problems.add(headerLine, null, "the file has a header but no data rows");
        }
        if (!problems.isEmpty()) {
            throw refused();
        }
        LOG.debug("read {} product rows ({} bytes)", rows.size(), bytes.count());
        return rows;
    }

    /**
     * {@return the next record, or empty at the end of the file}
     *
     * @param line the line the record would start on
     * @throws CsvValidationException if the file cannot be read further: malformed CSV, invalid
     *     UTF-8 or too many bytes
     * @throws IOException if reading the stream fails
     */
    private Optional<CSVRecord> nextRecord(Iterator<CSVRecord> records, long line) throws IOException {
        try {
            return records.hasNext() ? Optional.of(records.next()) : Optional.empty();
        } catch (UncheckedIOException e) {
            IOException cause = e.getCause();
            if (cause instanceof ByteLimitExceededException) {
                problems.add(text.line(), null, "the file is larger than the limit of " + limits.maxBytes()
                        + " bytes (maxBytes); reading stopped on this line");
            } else if (cause instanceof InvalidUtf8Exception) {
                InvalidUtf8Exception invalid = (InvalidUtf8Exception) cause;
                problems.add(invalid.line(), null, "the file is not valid UTF-8: invalid byte sequence at byte offset "
                        + invalid.byteOffset() + "; save the file as UTF-8");
            } else if (cause instanceof CSVException) {
                LOG.debug("malformed CSV in the record starting on line {}", line, cause);
                problems.add(line, null, malformedCsvMessage(cause));
            } else {
                throw cause;
            }
            throw refused();
        }
    }

    private static String malformedCsvMessage(IOException parserError) {
        String detail = String.valueOf(parserError.getMessage());
        if (detail.contains(UNTERMINATED_QUOTE)) {
            return "malformed CSV: a quoted cell in the row starting on this line is never closed (missing closing \")";
        }
        if (detail.contains(TEXT_AFTER_QUOTE)) {
            return "malformed CSV: text follows the closing quote of a cell in the row starting on this line;"
                    + " a quote inside a quoted cell must be doubled (\"\")";
        }
        return "malformed CSV in the row starting on this line: " + detail;
    }

    private static boolean isBlank(CSVRecord record) {
        for (String cell : record) {
            if (!cell.isBlank()) {
                return false;
            }
        }
        return true;
    }

    private CsvValidationException refused() {
        CsvValidationException refusal = problems.toException();
        LOG.debug("CSV refused with {} problem(s)", problems.count());
        return refusal;
    }
}
