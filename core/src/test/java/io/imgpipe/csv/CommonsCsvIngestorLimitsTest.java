package io.imgpipe.csv;

import static io.imgpipe.csv.CsvFixtures.HEADER;
import static io.imgpipe.csv.CsvFixtures.lines;
import static io.imgpipe.csv.CsvFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.imgpipe.CsvProblem;
import io.imgpipe.spi.ProductRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each limit of {@link CsvLimits}: exactly at it is accepted, beyond it is a problem naming it. */
class CommonsCsvIngestorLimitsTest {

    private static final String ROW = "1,A,http://a.example/1.jpg";

    @Test
    void acceptsFileOfExactlyMaxBytes() throws IOException {
        String csv = HEADER + "\n" + ROW + "\n";
        CommonsCsvIngestor ingestor = new CommonsCsvIngestor(CsvLimits.DEFAULTS.withMaxBytes(csv.length()));

        assertThat(ingestor.read(text(csv))).hasSize(1);
    }

    @Test
    void refusesFileOneByteOverMaxBytes() throws IOException {
        String csv = HEADER + "\n" + ROW + "\n";
        CommonsCsvIngestor ingestor = new CommonsCsvIngestor(CsvLimits.DEFAULTS.withMaxBytes(csv.length() - 1));

        List<CsvProblem> problems = CsvFixtures.problemsOf(ingestor, text(csv));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.column()).isNull();
            assertThat(p.message()).contains("larger than the limit of " + (csv.length() - 1) + " bytes (maxBytes)");
        });
    }

    @Test
    void refusesOversizedFileWithoutReadingItWhole() throws IOException {
        GeneratedCsvInputStream endless = new GeneratedCsvInputStream(Long.MAX_VALUE);
        CommonsCsvIngestor ingestor = new CommonsCsvIngestor(CsvLimits.DEFAULTS.withMaxBytes(100_000));

        List<CsvProblem> problems = CsvFixtures.problemsOf(ingestor, endless);

        assertThat(endless.served()).isEqualTo(100_001);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(lineHoldingByte(100_000));
            assertThat(p.message()).contains("100000 bytes (maxBytes)");
        });
    }

    /** @return the line of the generated CSV that holds the given 1-based byte */
    private static long lineHoldingByte(long bytePosition) {
        long end = (CsvFixtures.HEADER + "\r\n").length();
        long line = 1;
        while (end < bytePosition) {
            line++;
            end += GeneratedCsvInputStream.row(line - 1).length();
        }
        return line;
    }

    @Test
    void acceptsExactlyMaxRows() throws IOException {
        CommonsCsvIngestor ingestor = new CommonsCsvIngestor(CsvLimits.DEFAULTS.withMaxRows(2));

        List<ProductRow> rows = ingestor.read(lines(HEADER, ROW, "", "2,B,http://a.example/2.jpg"));

        assertThat(rows).hasSize(2);
    }

    @Test
    void refusesRowsBeyondMaxRowsWithOneProblemAndStops() throws IOException {
        CommonsCsvIngestor ingestor = new CommonsCsvIngestor(CsvLimits.DEFAULTS.withMaxRows(2));

        List<CsvProblem> problems = CsvFixtures.problemsOf(ingestor, lines(
                HEADER, "1,,http://a.example/1.jpg", ROW.replace("1,", "2,"), "", "3,C,http://a.example/3.jpg", "x,,", "y,,"));

        assertThat(problems).extracting(CsvProblem::line, CsvProblem::column, CsvProblem::message).containsExactly(
                tuple(2L, "Product Name", "the product name is empty"),
                tuple(5L, null, "the file has more than 2 data rows, the limit (maxRows); reading stopped on this line"));
    }

    @Test
    void acceptsExactlyMaxUrlsPerRow() throws IOException {
        CommonsCsvIngestor ingestor = new CommonsCsvIngestor(CsvLimits.DEFAULTS.withMaxUrlsPerRow(2));

        List<ProductRow> rows = ingestor.read(lines(HEADER, "1,A,\"http://a.example/1.jpg, http://a.example/2.jpg,\""));

        assertThat(rows.get(0).imageUrls()).hasSize(2);
    }

    @Test
    void refusesRowWithMoreUrlsThanMaxUrlsPerRow() throws IOException {
        CommonsCsvIngestor ingestor = new CommonsCsvIngestor(CsvLimits.DEFAULTS.withMaxUrlsPerRow(2));

        List<CsvProblem> problems = CsvFixtures.problemsOf(ingestor,
                lines(HEADER, "1,A,\"http://a.example/1.jpg, http://a.example/2.jpg, http://a.example/3.jpg\""));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.column()).isEqualTo("Input Image Urls");
            assertThat(p.message()).isEqualTo("the row has 3 image URLs, more than the limit of 2 (maxUrlsPerRow)");
        });
    }

    @Test
    void refusesACellLongerThanItsUrlsCouldBeWithoutSplittingIt() throws IOException {
        CommonsCsvIngestor ingestor = new CommonsCsvIngestor(CsvLimits.DEFAULTS.withMaxUrlsPerRow(2).withMaxUrlLength(40));
        String cell = "a,".repeat(100_000);

        List<CsvProblem> problems = CsvFixtures.problemsOf(ingestor, lines(HEADER, "1,A,\"" + cell + "\""));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.column()).isEqualTo("Input Image Urls");
            assertThat(p.message()).contains("the cell has 200000 characters").contains("maxUrlsPerRow")
                    .contains("maxUrlLength");
        });
    }

    @Test
    void refusesAFileWithMoreUrlsThanMaxUrlsNamingTheLine() throws IOException {
        CommonsCsvIngestor ingestor = new CommonsCsvIngestor(CsvLimits.DEFAULTS.withMaxUrls(4));

        List<CsvProblem> problems = CsvFixtures.problemsOf(ingestor, lines(HEADER,
                "1,A,\"http://a.example/1.jpg, http://a.example/2.jpg\"",
                "2,B,\"http://a.example/3.jpg, http://a.example/4.jpg\"",
                "3,C,http://a.example/5.jpg",
                "4,D,http://a.example/6.jpg"));

        assertThat(problems).extracting(CsvProblem::line, CsvProblem::column, CsvProblem::message).containsExactly(
                tuple(4L, null, "the file has more than 4 image URLs, the limit (maxUrls); reading stopped on this line"));
    }

    @Test
    void acceptsExactlyMaxUrls() throws IOException {
        CommonsCsvIngestor ingestor = new CommonsCsvIngestor(CsvLimits.DEFAULTS.withMaxUrls(3));

        List<ProductRow> rows = ingestor.read(lines(HEADER, "1,A,\"http://a.example/1.jpg, http://a.example/2.jpg\"",
                "2,B,http://a.example/3.jpg"));

        assertThat(rows).hasSize(2);
    }

    @Test
    void acceptsUrlOfExactlyMaxUrlLength() throws IOException {
        String url = "http://a.example/" + "x".repeat(40 - 17);
        CommonsCsvIngestor ingestor = new CommonsCsvIngestor(CsvLimits.DEFAULTS.withMaxUrlLength(40));

        List<ProductRow> rows = ingestor.read(lines(HEADER, "1,A," + url));

        assertThat(rows.get(0).imageUrls().get(0)).hasToString(url);
    }

    @Test
    void refusesUrlLongerThanMaxUrlLength() throws IOException {
        String url = "http://a.example/" + "x".repeat(41 - 17);
        CommonsCsvIngestor ingestor = new CommonsCsvIngestor(CsvLimits.DEFAULTS.withMaxUrlLength(40));

        List<CsvProblem> problems = CsvFixtures.problemsOf(ingestor, lines(HEADER, "1,A," + url));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.column()).isEqualTo("Input Image Urls");
            assertThat(p.message()).startsWith("URL of 41 characters is longer than the limit of 40 (maxUrlLength)");
        });
    }

    @Test
    void countsByteLimitInBytesNotCharacters() throws IOException {
        String csv = HEADER + "\n1,\u00e9\u00e9\u00e9,http://a.example/1.jpg\n";
        int byteLength = csv.getBytes(StandardCharsets.UTF_8).length;
        CommonsCsvIngestor ingestor = new CommonsCsvIngestor(CsvLimits.DEFAULTS.withMaxBytes(csv.length()));

        assertThat(byteLength).isGreaterThan(csv.length());
        assertThat(CsvFixtures.problemsOf(ingestor, text(csv))).extracting(CsvProblem::message)
                .singleElement().asString().contains("(maxBytes)");
    }
}
