package io.imgpipe.csv;

import static io.imgpipe.csv.CsvFixtures.HEADER;
import static io.imgpipe.csv.CsvFixtures.bytes;
import static io.imgpipe.csv.CsvFixtures.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.imgpipe.CsvProblem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Broken files become problems with lines; a failing stream stays an IOException. */
class CommonsCsvIngestorMalformedInputTest {

    private final CommonsCsvIngestor ingestor = new CommonsCsvIngestor();

    private List<CsvProblem> problems(InputStream csv) throws IOException {
        return CsvFixtures.problemsOf(ingestor, csv);
    }

    @Test
    void refusesUnterminatedQuoteNamingTheLineItsRowStartsOn() throws IOException {
        List<CsvProblem> problems = problems(lines(
                HEADER, "1,A,http://a.example/1.jpg", "2,\"B,http://a.example/2.jpg", "3,C,http://a.example/3.jpg"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.column()).isNull();
            assertThat(p.message()).contains("malformed CSV").contains("never closed");
        });
    }

    @Test
    void refusesTextAfterClosingQuote() throws IOException {
        List<CsvProblem> problems = problems(lines(HEADER, "1,\"A\"x,http://a.example/1.jpg"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).contains("malformed CSV").contains("doubled");
        });
    }

    @Test
    void keepsProblemsFoundBeforeMalformedCsv() throws IOException {
        List<CsvProblem> problems = problems(lines(
                HEADER, "1,,http://a.example/1.jpg", "2,\"B\nstill B", "", "more"));

        assertThat(problems).extracting(CsvProblem::line, CsvProblem::column)
                .containsExactly(tuple(2L, "Product Name"), tuple(3L, null));
    }

    @Test
    void refusesMalformedHeader() throws IOException {
        List<CsvProblem> problems = problems(lines("S. No.,\"Product Name,Input Image Urls"));

        assertThat(problems).extracting(CsvProblem::line).containsExactly(1L);
    }

    @Test
    void refusesInvalidUtf8NamingItsLineAndByteOffset() throws IOException {
        String before = HEADER + "\n1,A,http://a.example/1.jpg\n2,\"B\nB\",http://a.example/2.jpg\n3,";
        List<CsvProblem> problems = problems(bytes(before, new byte[] {(byte) 0xC3, (byte) 0x28}, ",http://a.example/3.jpg\n"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.column()).isNull();
            assertThat(p.message()).contains("not valid UTF-8").contains("byte offset " + before.length());
        });
    }

    @Test
    void refusesLatin1EncodedFile() throws IOException {
        byte[] latin1 = (HEADER + "\n1,Caf\u00e9,http://a.example/1.jpg\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

        List<CsvProblem> problems = problems(new ByteArrayInputStream(latin1));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).contains("not valid UTF-8");
        });
    }

    @Test
    void refusesOverlongUtf8Encoding() throws IOException {
        List<CsvProblem> problems = problems(bytes(HEADER + "\n1,A", new byte[] {(byte) 0xC0, (byte) 0xAF}, ",http://a.example/1.jpg\n"));

        assertThat(problems).extracting(CsvProblem::line).containsExactly(2L);
    }

    @Test
    void refusesUtf8SequenceCutOffAtEndOfFile() throws IOException {
        List<CsvProblem> problems = problems(bytes(HEADER + "\n1,A,http://a.example/1.jpg\n2,B,http://a.example/", new byte[] {(byte) 0xE2, (byte) 0x82}));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).contains("not valid UTF-8");
        });
    }

    @Test
    void propagatesFailureOfTheStreamAsIOException() {
        IOException failure = new IOException("connection reset");
        InputStream failing = new SequenceInputStream(lines(HEADER, "1,A,http://a.example/1.jpg"), new InputStream() {
            @Override
            public int read() throws IOException {
                throw failure;
            }
        });

        assertThatThrownBy(() -> ingestor.read(failing)).isSameAs(failure);
    }

    @Test
    void doesNotCloseTheStream() throws IOException {
        boolean[] closed = {false};
        InputStream csv = new java.io.FilterInputStream(lines(HEADER, "1,A,http://a.example/1.jpg")) {
            @Override
            public void close() throws IOException {
                closed[0] = true;
                super.close();
            }
        };

        ingestor.read(csv);

        assertThat(closed[0]).isFalse();
    }
}
