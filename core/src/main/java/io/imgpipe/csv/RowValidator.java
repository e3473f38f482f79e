package io.imgpipe.csv;

import io.imgpipe.spi.ProductRow;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVRecord;

/**
 * Validates the data rows of one file in order: cell count, {@code S. No.} (a positive integer,
 * unique in the file) or the row's position when that column is absent, a non-blank
 * {@code Product Name}, and the {@code Input Image Urls}. Not thread-safe: one per read.
 */
final class RowValidator {

    private static final long NOT_POSITIVE = 0;
    private static final long TOO_LARGE = -1;

    private final CsvHeader header;
    private final ImageUrlValidator urlValidator;
    private final ProblemCollector problems;
    private final Map<Long, Long> firstLineBySerialNumber = new HashMap<>();
    private long position;

    /**
     * Creates a {@code RowValidator}.
     *
     * @param header the file's header
     * @param urlValidator checks the image URLs
     * @param problems where problems go
     */
    RowValidator(CsvHeader header, ImageUrlValidator urlValidator, ProblemCollector problems) {
        this.header = header;
        this.urlValidator = urlValidator;
        this.problems = problems;
    }

    /**
     * {@return the row, or empty if it has a problem (reported)}
     *
     * @param record a data row that is not blank
     * @param line the line it starts on
     */
    Optional<ProductRow> validate(CSVRecord record, long line) {
        position++;
        if (record.size() != header.cellCount()) {
            problems.add(line, null, cellCountMessage(record.size()));
            return Optional.empty();
        }
        long problemsBefore = problems.count();
        long serialNumber = header.has(CsvColumn.SERIAL_NUMBER)
                ? serialNumber(header.cell(record, CsvColumn.SERIAL_NUMBER), line)
                : position;
        String productName = header.cell(record, CsvColumn.PRODUCT_NAME).strip();
        if (productName.isEmpty()) {
            problems.add(line, CsvColumn.PRODUCT_NAME, "the product name is empty");
        }
        List<URI> urls = urlValidator.parse(header.cell(record, CsvColumn.IMAGE_URLS), line, problems);
        if (problems.count() > problemsBefore) {
            return Optional.empty();
        }
        return Optional.of(new ProductRow(line, serialNumber, productName, urls));
    }

    private String cellCountMessage(int cells) {
        String message = "the row has " + cells + " cells but the header has " + header.cellCount();
        if (cells > header.cellCount()) {
            message += "; several image URLs must share one quoted cell, for example"
                    + " \"https://example.com/a.jpg, https://example.com/b.jpg\"";
        }
        return message;
    }

    private long serialNumber(String cell, long line) {
        String text = cell.strip();
        if (text.isEmpty()) {
            problems.add(line, CsvColumn.SERIAL_NUMBER, "the serial number is empty; it must be a positive integer");
            return -1;
        }
        long value = parsePositive(text);
        if (value == NOT_POSITIVE) {
            problems.add(line, CsvColumn.SERIAL_NUMBER, "serial number " + Quoting.quote(text) + " is not a positive integer");
            return -1;
        }
        if (value == TOO_LARGE) {
            problems.add(line, CsvColumn.SERIAL_NUMBER, "serial number " + Quoting.quote(text) + " is too large; the most is "
                    + Long.MAX_VALUE);
            return -1;
        }
        Long firstLine = firstLineBySerialNumber.putIfAbsent(value, line);
        if (firstLine != null) {
            problems.add(line, CsvColumn.SERIAL_NUMBER, "serial number " + value + " is repeated; it is first used on line "
                    + firstLine);
        }
        return value;
    }

    /** {@return the value of ASCII digits, {@link #NOT_POSITIVE} or {@link #TOO_LARGE}} */
    private static long parsePositive(String text) {
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return NOT_POSITIVE;
            }
            if (value > (Long.MAX_VALUE - (c - '0')) / 10) {
                return TOO_LARGE;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
