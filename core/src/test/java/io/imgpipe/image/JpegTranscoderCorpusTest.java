package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.imgpipe.spi.CompressionPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The transcoder's correctness criteria on every JPEG of the benchmark corpus ({@code ../shared/corpus}
 * beside the repository, or the directory named by {@code -Dimgpipe.corpus}; skipped where there is
 * none): each is transcoded, decodes at its dimensions, is as close to the source as the pixel path's
 * output (within 0.2 dB PSNR) and no more than 3% bigger.
 */
class JpegTranscoderCorpusTest {

    static Stream<Path> corpusJpegs() {
        Path dir = corpusDirectory();
        assumeTrue(dir != null, "no benchmark corpus (../shared/corpus or -Dimgpipe.corpus)");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> jpegs = files.filter(f -> f.getFileName().toString().endsWith(".jpg")).sorted()
                    .collect(Collectors.toList());
            return jpegs.stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the corpus directory, or {@code null} if there is none */
    static Path corpusDirectory() {
        String configured = System.getProperty("imgpipe.corpus");
        if (configured != null) {
            return Path.of(configured);
        }
        for (String candidate : new String[] {"../../shared/corpus", "../shared/corpus"}) {
            Path dir = Path.of(candidate).toAbsolutePath().normalize();
            if (Files.isDirectory(dir)) {
                return dir;
            }
        }
        return null;
    }

    private static TranscodeComparison compare(Path file) {
        try {
            return TranscodeComparison.of("corpus/" + file.getFileName(), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusJpegs")
    void everyCorpusJpegIsTranscoded(Path file) {
        assertThat(compare(file).output().path()).isEqualTo(CompressionPath.TRANSCODED);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusJpegs")
    void outputDecodesAtTheSourceDimensions(Path file) {
        TranscodeComparison result = compare(file);

        assertThat(result.decodedWidth()).isEqualTo(result.uprightWidth());
        assertThat(result.decodedHeight()).isEqualTo(result.uprightHeight());
        assertThat(result.output().width()).isEqualTo(result.uprightWidth());
        assertThat(result.output().height()).isEqualTo(result.uprightHeight());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusJpegs")
    void psnrIsWithinTwoTenthsOfADecibelOfThePixelPathOrBetter(Path file) {
        TranscodeComparison result = compare(file);

        assertThat(result.psnr()).as(result.toString()).isGreaterThanOrEqualTo(result.pixelPsnr() - 0.2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusJpegs")
    void sizeIsWithinThreePercentOfThePixelPathOrSmaller(Path file) {
        TranscodeComparison result = compare(file);

        assertThat(result.sizeRatio()).as(result.toString()).isLessThanOrEqualTo(1.03);
    }
}
