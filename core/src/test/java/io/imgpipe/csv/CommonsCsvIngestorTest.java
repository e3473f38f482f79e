package io.imgpipe.csv;

import static io.imgpipe.csv.CsvFixtures.HEADER;
import static io.imgpipe.csv.CsvFixtures.lines;
import static io.imgpipe.csv.CsvFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.imgpipe.CsvProblem;
import io.imgpipe.CsvValidationException;
import io.imgpipe.spi.ProductRow;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules for headers, rows, serial numbers, names and URLs, and how problems are reported. */
class CommonsCsvIngestorTest {

    private static final String URLS = "Input Image Urls";
    private static final String NAME = "Product Name";
    private static final String SERIAL = "S. No.";

    private final CommonsCsvIngestor ingestor = new CommonsCsvIngestor();

    private List<ProductRow> read(InputStream csv) throws IOException {
        return ingestor.read(csv);
    }

    private List<CsvProblem> problems(InputStream csv) throws IOException {
        return CsvFixtures.problemsOf(ingestor, csv);
    }

    // ---- reading valid files

    @Test
    void readsRowsInFileOrderWithLineSerialNameAndUrls() throws IOException {
        List<ProductRow> rows = read(lines(
                HEADER,
                "1,SKU1,\"https://www.public-image-url1.jpg,https://www.public-image-url2.jpg\"",
                "2,SKU2,https://img.example.com/b.png"));

        assertThat(rows).containsExactly(
                new ProductRow(2, 1, "SKU1",
                        List.of(URI.create("https://www.public-image-url1.jpg"), URI.create("https://www.public-image-url2.jpg"))),
                new ProductRow(3, 2, "SKU2", List.of(URI.create("https://img.example.com/b.png"))));
    }

    @Test
    void trimsTheProductName() throws IOException {
        List<ProductRow> rows = read(lines(HEADER, "1,\"  Blue Shoe \t\",http://a.example/1.jpg"));

        assertThat(rows.get(0).productName()).isEqualTo("Blue Shoe");
    }

    @Test
    void readsDoubledQuotesInsideQuotedCell() throws IOException {
        List<ProductRow> rows = read(lines(HEADER, "1,\"Shoe \"\"Max\"\", 42\",http://a.example/1.jpg"));

        assertThat(rows.get(0).productName()).isEqualTo("Shoe \"Max\", 42");
    }

    @Test
    void matchesHeadersIgnoringCaseSurroundingSpacesAndInnerWhitespaceRuns() throws IOException {
        List<ProductRow> rows = read(lines(" s.   NO. ,\tPRODUCT \t name,  input IMAGE    urls  ", "7,SKU,http://a.example/1.jpg"));

        assertThat(rows).extracting(ProductRow::serialNumber, ProductRow::productName).containsExactly(tuple(7L, "SKU"));
    }

    @Test
    void ignoresExtraColumnsAndColumnOrder() throws IOException {
        List<ProductRow> rows = read(lines(
                "Notes,Input Image Urls,Category,Product Name,S. No.,",
                "fragile,http://a.example/1.jpg,shoes,SKU,5,"));

        assertThat(rows).containsExactly(new ProductRow(2, 5, "SKU", List.of(URI.create("http://a.example/1.jpg"))));
    }

    @Test
    void usesPositionAmongDataRowsAsSerialNumberWithoutSerialColumn() throws IOException {
        List<ProductRow> rows = read(lines(
                "Product Name,Input Image Urls",
                "A,http://a.example/1.jpg",
                "",
                "B,http://a.example/2.jpg",
                "C,http://a.example/3.jpg"));

        assertThat(rows).extracting(ProductRow::line, ProductRow::serialNumber)
                .containsExactly(tuple(2L, 1L), tuple(4L, 2L), tuple(5L, 3L));
    }

    @Test
    void acceptsSerialNumberWithSurroundingSpacesAndLeadingZeros() throws IOException {
        List<ProductRow> rows = read(lines(HEADER, "  007 ,SKU,http://a.example/1.jpg"));

        assertThat(rows.get(0).serialNumber()).isEqualTo(7);
    }

    @Test
    void readsFileWithUtf8ByteOrderMark() throws IOException {
        List<ProductRow> rows = read(text("\uFEFF" + HEADER + "\n1,Café,http://a.example/1.jpg\n"));

        assertThat(rows).containsExactly(new ProductRow(2, 1, "Café", List.of(URI.create("http://a.example/1.jpg"))));
    }

    @Test
    void readsCrlfLineEnds() throws IOException {
        List<ProductRow> rows = read(text(HEADER + "\r\n1,A,http://a.example/1.jpg\r\n\r\n2,B,http://a.example/2.jpg\r\n"));

        assertThat(rows).extracting(ProductRow::line, ProductRow::productName).containsExactly(tuple(2L, "A"), tuple(4L, "B"));
    }

    @Test
    void readsLastRowWithoutFinalLineEnd() throws IOException {
        List<ProductRow> rows = read(text(HEADER + "\n1,A,http://a.example/1.jpg"));

        assertThat(rows).extracting(ProductRow::productName).containsExactly("A");
    }

    @Test
    void countsLinesPastQuotedCellsWithCommasAndLineBreaks() throws IOException {
        List<ProductRow> rows = read(lines(
                HEADER,
                "1,\"Shoe,\nwith a long\r\nname\",\"http://a.example/1.jpg,",
                "  http://a.example/2.jpg\"",
                "2,B,http://a.example/3.jpg"));

        assertThat(rows).extracting(ProductRow::line, ProductRow::productName, r -> r.imageUrls().size())
                .containsExactly(tuple(2L, "Shoe,\nwith a long\r\nname", 2), tuple(6L, "B", 1));
    }

    @Test
    void skipsBlankLinesAndCountsThemInLineNumbers() throws IOException {
        List<ProductRow> rows = read(lines("", HEADER, "", "   ", "1,A,http://a.example/1.jpg", "", "2,B,http://a.example/2.jpg"));

        assertThat(rows).extracting(ProductRow::line).containsExactly(5L, 7L);
    }

    @Test
    void skipsRowsWhoseCellsAreAllBlank() throws IOException {
        List<ProductRow> rows = read(lines(HEADER, " , ,  ", ",,", "1,A,http://a.example/1.jpg", "\" \",,"));

        assertThat(rows).extracting(ProductRow::line).containsExactly(4L);
    }

    // ---- headers

    @Test
    void refusesMissingRequiredHeaderOnLine1WithoutValidatingRows() throws IOException {
        List<CsvProblem> problems = problems(lines("S. No.,Name,Input Image Urls", "x,,not-a-url"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.column()).isEqualTo(NAME);
            assertThat(p.message()).contains("missing required header 'Product Name'").contains("'Name'");
        });
    }

    @Test
    void reportsEveryMissingRequiredHeader() throws IOException {
        List<CsvProblem> problems = problems(lines("S. No.,Title,Links", "1,A,http://a.example/1.jpg"));

        assertThat(problems).extracting(CsvProblem::line, CsvProblem::column).containsExactly(tuple(1L, NAME), tuple(1L, URLS));
    }

    @Test
    void refusesRepeatedHeaderEvenWhenSpelledDifferently() throws IOException {
        List<CsvProblem> problems = problems(lines("S. No.,Product Name,Input Image Urls,product  NAME", "1,A,http://a.example/1.jpg,B"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.column()).isEqualTo(NAME);
            assertThat(p.message()).contains("appears more than once").contains("columns 2, 4");
        });
    }

    // ---- image URLs

    @Test
    void splitsUrlsSeparatedByCommasWithSpacesAround() throws IOException {
        List<ProductRow> rows = read(lines(HEADER, "1,A,\"  http://a.example/1.jpg ,http://a.example/2.jpg,   https://a.example/3.jpg \""));

        assertThat(rows.get(0).imageUrls()).containsExactly(
                URI.create("http://a.example/1.jpg"), URI.create("http://a.example/2.jpg"), URI.create("https://a.example/3.jpg"));
    }

    @Test
    void skipsEmptyUrlEntries() throws IOException {
        List<ProductRow> rows = read(lines(HEADER, "1,A,\",http://a.example/1.jpg,, ,http://a.example/2.jpg,\""));

        assertThat(rows.get(0).imageUrls()).containsExactly(URI.create("http://a.example/1.jpg"), URI.create("http://a.example/2.jpg"));
    }

    @Test
    void refusesCellWithNoUrlLeft() throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER, "1,A,\" , ,\""));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.column()).isEqualTo(URLS);
            assertThat(p.message()).contains("no image URLs");
        });
    }

    @Test
    void refusesEmptyUrlCell() throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER, "1,A,"));

        assertThat(problems).extracting(CsvProblem::line, CsvProblem::column).containsExactly(tuple(2L, URLS));
    }

    @Test
    void acceptsSchemeInAnyCaseAndReturnsItLowerCased() throws IOException {
        List<ProductRow> rows = read(lines(HEADER, "1,A,\"HTTP://a.example/1.jpg, HttpS://a.example/Path/2.JPG\""));

        assertThat(rows.get(0).imageUrls())
                .containsExactly(URI.create("http://a.example/1.jpg"), URI.create("https://a.example/Path/2.JPG"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://a.example/1.jpg", "file:///etc/passwd", "data:image/png;base64,AAAA", "javascript:alert(1)"})
    void refusesSchemesOtherThanHttpAndHttps(String url) throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER, "1,A,\"" + url + "\""));

        assertThat(problems).anySatisfy(p -> {
            assertThat(p.column()).isEqualTo(URLS);
            assertThat(p.message()).contains("not an absolute http or https URL");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"/images/1.jpg", "www.example.com/1.jpg", "1.jpg"})
    void refusesRelativeUrls(String url) throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER, "1,A," + url));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.column()).isEqualTo(URLS);
            assertThat(p.message()).contains("'" + url + "'").contains("not an absolute http or https URL");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"0177.0.0.1", "010.1.1.1", "0x7f.1", "0x7f000001", "127.1", "2130706433", "1.2.3.4.5",
            "256.1.1.1", "1.2.3.4.", "example.123"})
    void refusesAmbiguousNumericHostsNamingLineAndColumn(String host) throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER, "1,A,https://a.example/ok.jpg", "2,B,http://" + host + "/1.jpg"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.column()).isEqualTo(URLS);
            assertThat(p.message()).contains("'http://" + host + "/1.jpg'", "ambiguous numeric address",
                    "four decimal numbers");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://192.0.2.7/a.jpg", "http://0.0.0.0:8080/a.jpg", "http://[2001:db8::7]/a.jpg",
            "http://123.example.com/a.jpg", "http://0x7f.example/a.jpg"})
    void acceptsDottedDecimalIpv4Ipv6AndHostNamesThatStartWithDigits(String url) throws IOException {
        assertThat(read(lines(HEADER, "1,A," + url))).singleElement()
                .satisfies(row -> assertThat(row.imageUrls()).containsExactly(URI.create(url)));
    }

    @Test
    void refusesUrlWithCredentialsWithoutRepeatingThem() throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER, "1,A,https://alice:s3cret@a.example/1.jpg"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.column()).isEqualTo(URLS);
            assertThat(p.message()).contains("credentials").contains("a.example/1.jpg").doesNotContain("s3cret");
        });
    }

    @Test
    void refusesMalformedUrlQuotingIt() throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER, "1,A,http://a.example/my shoe.jpg"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.column()).isEqualTo(URLS);
            assertThat(p.message()).startsWith("malformed URL 'http://a.example/my shoe.jpg'");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"http:///1.jpg", "https:a.example/1.jpg", "http://under_score.example/1.jpg"})
    void refusesUrlWithoutValidHost(String url) throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER, "1,A," + url));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.column()).isEqualTo(URLS);
            assertThat(p.message()).contains("'" + url + "'").contains("no valid host");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://a.example:99999/1.jpg", "https://a.example:0/1.jpg"})
    void refusesUrlWithAPortOutsideTheValidRange(String url) throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER, "1,A," + url));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.column()).isEqualTo(URLS);
            assertThat(p.message()).contains("'" + url + "'").contains("outside 1 to 65535");
        });
    }

    @Test
    void hintsThatACommaInsideAUrlMustBeEncoded() throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER,
                "1,A,\"https://res.cloudinary.com/demo/image/upload/w_300,h_200/sample.jpg\""));

        assertThat(problems).singleElement().satisfies(p -> assertThat(p.message())
                .contains("'h_200/sample.jpg' is not an absolute http or https URL")
                .contains("a comma inside a URL must be written %2C"));
    }

    @Test
    void hintsThatUrlsSeparatedBySpacesNeedCommas() throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER, "1,A,\"https://a.example/1.jpg https://a.example/2.jpg\""));

        assertThat(problems).singleElement().satisfies(p -> assertThat(p.message())
                .contains("separate several URLs with commas"));
    }

    @Test
    void quotesAtMost200CharactersOfAnOffendingValue() throws IOException {
        String huge = "9".repeat(10) + "x".repeat(100_000);

        List<CsvProblem> problems = problems(lines(HEADER, huge + ",A,http://a.example/1.jpg"));

        assertThat(problems).singleElement().satisfies(p -> assertThat(p.message().length()).isLessThan(400));
    }

    @Test
    void quotesAtMost200CharactersOfEachHeaderCell() throws IOException {
        String blob = "x".repeat(1_000_000);

        List<CsvProblem> problems = problems(lines(blob));

        assertThat(problems).isNotEmpty().allSatisfy(p -> assertThat(p.message().length()).isLessThan(1_000));
    }

    @Test
    void theExceptionCountsEveryProblemFoundNotOnlyThoseListed() {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (int i = 1; i <= 5_000; i++) {
            csv.append(i).append(",,http://a.example/").append(i).append(".jpg\n");
        }

        CsvValidationException e = catchThrowableOfType(() -> ingestor.read(text(csv.toString())),
                CsvValidationException.class);

        assertThat(e.getMessage()).startsWith("invalid CSV (5000 problems)").endsWith("; and 4995 more");
        assertThat(e.problems()).hasSize(ProblemCollector.MAX_LISTED + 1);
    }

    // ---- serial numbers, names, cells

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "+3", "1.5", "abc", "1 2", "٣"})
    void refusesSerialNumberThatIsNotAPositiveInteger(String serial) throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER, serial + ",A,http://a.example/1.jpg"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.column()).isEqualTo(SERIAL);
            assertThat(p.message()).contains("'" + serial + "' is not a positive integer");
        });
    }

    @Test
    void refusesEmptySerialNumber() throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER, " ,A,http://a.example/1.jpg"));

        assertThat(problems).extracting(CsvProblem::column, CsvProblem::message)
                .containsExactly(tuple(SERIAL, "the serial number is empty; it must be a positive integer"));
    }

    @Test
    void refusesSerialNumberTooLargeForLong() throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER, "9223372036854775808,A,http://a.example/1.jpg"));

        assertThat(problems).singleElement().satisfies(p -> assertThat(p.message()).contains("too large"));
    }

    @Test
    void refusesRepeatedSerialNumberNamingTheLineOfItsFirstUse() throws IOException {
        List<CsvProblem> problems = problems(lines(
                HEADER, "1,A,http://a.example/1.jpg", "2,B,http://a.example/2.jpg", "", "01,C,http://a.example/3.jpg"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.column()).isEqualTo(SERIAL);
            assertThat(p.message()).contains("serial number 1 is repeated").contains("first used on line 2");
        });
    }

    @Test
    void refusesEmptyProductName() throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER, "1,\"  \",http://a.example/1.jpg"));

        assertThat(problems).extracting(CsvProblem::line, CsvProblem::column).containsExactly(tuple(2L, NAME));
    }

    @Test
    void refusesRowWithMoreCellsThanHeaderHintingAtQuotes() throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER, "1,A,http://a.example/1.jpg,http://a.example/2.jpg"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.column()).isNull();
            assertThat(p.message()).contains("4 cells but the header has 3").contains("quoted cell");
        });
    }

    @Test
    void refusesRowWithFewerCellsThanHeader() throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER, "1,A"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.column()).isNull();
            assertThat(p.message()).isEqualTo("the row has 2 cells but the header has 3");
        });
    }

    // ---- whole file

    @Test
    void refusesEmptyFile() throws IOException {
        List<CsvProblem> problems = problems(text(""));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.column()).isNull();
            assertThat(p.message()).startsWith("empty file");
        });
    }

    @Test
    void refusesFileOfByteOrderMarkAndBlankLinesAsEmpty() throws IOException {
        List<CsvProblem> problems = problems(text("\uFEFF\r\n  \r\n,,\r\n"));

        assertThat(problems).extracting(CsvProblem::message).singleElement().asString().startsWith("empty file");
    }

    @Test
    void refusesHeaderWithoutDataRows() throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER, "", " , , "));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.message()).isEqualTo("the file has a header but no data rows");
        });
    }

    // ---- reporting

    @Test
    void reportsEveryProblemOfTheFileTogetherWithLinesAndColumns() throws IOException {
        List<CsvProblem> problems = problems(lines(
                HEADER,
                "1,A,http://a.example/1.jpg",
                "x,,ftp://a.example/2.jpg",
                "3,\"Multi",
                "line\",\"http://a.example/3.jpg,",
                "http://a.example/bad url.jpg\"",
                "",
                "4,D",
                "1,E,http://a.example/5.jpg"));

        assertThat(problems).extracting(CsvProblem::line, CsvProblem::column).containsExactly(
                tuple(3L, SERIAL),
                tuple(3L, NAME),
                tuple(3L, URLS),
                tuple(4L, URLS),
                tuple(8L, null),
                tuple(9L, SERIAL));
    }

    @Test
    void listsAtMostOneThousandProblemsThenSaysHowManyMore() throws IOException {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (int i = 1; i <= 1_500; i++) {
            csv.append(i).append(",,http://a.example/").append(i).append(".jpg\n");
        }

        List<CsvProblem> problems = problems(text(csv.toString()));

        assertThat(problems).hasSize(1_001);
        assertThat(problems.get(999).line()).isEqualTo(1_001);
        assertThat(problems.get(1_000)).satisfies(p -> {
            assertThat(p.line()).isEqualTo(1_002);
            assertThat(p.column()).isNull();
            assertThat(p.message()).startsWith("500 more problems were found and not listed");
        });
    }
}
