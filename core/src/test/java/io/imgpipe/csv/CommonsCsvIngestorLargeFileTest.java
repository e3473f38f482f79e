package io.imgpipe.csv;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.spi.ProductRow;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Large and concurrent uploads, streamed from generated input rather than a String. */
class CommonsCsvIngestorLargeFileTest {

    private final CommonsCsvIngestor ingestor = new CommonsCsvIngestor();

    @Test
    void readsOneHundredThousandRowsStreamedFromAGenerator() throws IOException {
        GeneratedCsvInputStream csv = new GeneratedCsvInputStream(100_000);

        List<ProductRow> rows = ingestor.read(csv);

        assertThat(rows).hasSize(100_000);
        assertThat(rows.stream().mapToInt(r -> r.imageUrls().size()).sum()).isEqualTo(200_000);
        assertThat(rows.get(0)).isEqualTo(expectedRow(1));
        assertThat(rows.get(49_999)).isEqualTo(expectedRow(50_000));
        assertThat(rows.get(99_999)).isEqualTo(expectedRow(100_000));
        assertThat(csv.served()).isGreaterThan(10_000_000L);
    }

    @Test
    void servesConcurrentReadsIndependently() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<ProductRow>>> results = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                int rows = 2_000 * i;
                results.add(pool.submit(() -> ingestor.read(new GeneratedCsvInputStream(rows))));
            }
            for (int i = 1; i <= 8; i++) {
                List<ProductRow> rows = results.get(i - 1).get();
                assertThat(rows).hasSize(2_000 * i);
                assertThat(rows.get(rows.size() - 1)).isEqualTo(expectedRow(2_000L * i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static ProductRow expectedRow(long n) {
        return new ProductRow(n + 1, n, "Product " + n,
                List.of(URI.create(GeneratedCsvInputStream.frontUrl(n)), URI.create(GeneratedCsvInputStream.backUrl(n))));
    }
}
