package io.imgpipe.csv;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.imgpipe.CsvProblem;
import io.imgpipe.CsvValidationException;
import io.imgpipe.spi.CsvIngestor;
import io.imgpipe.spi.ProductRow;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Builds CSV uploads for tests and reads the problems of refused ones. */
final class CsvFixtures {

    static final String HEADER = "S. No.,Product Name,Input Image Urls";

    private CsvFixtures() {
    }

    /** @return the lines joined by LF, with a final LF, as UTF-8 */
    static InputStream lines(String... lines) {
        return new ByteArrayInputStream((String.join("\n", lines) + "\n").getBytes(UTF_8));
    }

    /** @return the text exactly as given, as UTF-8 */
    static InputStream text(String text) {
        return new ByteArrayInputStream(text.getBytes(UTF_8));
    }

    /** @return the parts concatenated: each a String (written as UTF-8) or a byte[] */
    static InputStream bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            byte[] b = part instanceof byte[] ? (byte[]) part : part.toString().getBytes(UTF_8);
            out.writeBytes(b);
        }
        return new ByteArrayInputStream(out.toByteArray());
    }

    /** Reads a CSV that must be refused and returns its problems. */
    static List<CsvProblem> problemsOf(CsvIngestor ingestor, InputStream csv) throws IOException {
        List<ProductRow> rows;
        try {
            rows = ingestor.read(csv);
        } catch (CsvValidationException e) {
            return e.problems();
        }
        throw new AssertionError("expected the CSV to be refused, but it was read as " + rows);
    }
}
