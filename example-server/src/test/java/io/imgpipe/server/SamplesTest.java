package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.csv.CommonsCsvIngestor;
import io.imgpipe.spi.ProductRow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sample the README tells people to upload is a valid CSV of public image URLs. */
class SamplesTest {

    private static final Path SAMPLE = Path.of("..", "samples", "products.csv");

    @Test
    void sampleCsvIsAcceptedByTheIngestor() throws IOException {
        List<ProductRow> rows;
        try (InputStream in = Files.newInputStream(SAMPLE)) {
            rows = new CommonsCsvIngestor().read(in);
        }

        assertThat(rows).hasSize(4);
        assertThat(rows).flatMap(ProductRow::imageUrls)
                .allSatisfy(url -> assertThat(url.toString()).startsWith("https://upload.wikimedia.org/"));
    }
}
