package io.imgpipe.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import io.imgpipe.Progress;
import io.imgpipe.Status;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.ProductRecord;
import io.imgpipe.spi.RequestRecord;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A request of 100,000 rows is created in batches and read back in full (no timing assertion).
 * One image per row keeps it to about a minute on mongo-java-server, whose per-document cost is
 * far above a real server's; {@code MongoRepositoryBenchmark} runs 100,000 rows of 3 images.
 */
class LargeRequestIT {

    private static final int ROWS = 100_000;
    private static final int IMAGES_PER_ROW = 1;

    @Test
    void createsAndReadsAHundredThousandRows() {
        Instant createdAt = Instant.parse("2025-03-01T10:00:00Z");
        NewRequest request = TestRequests.large("big", createdAt, ROWS, IMAGES_PER_ROW);
        try (InJvmMongoServer server = InJvmMongoServer.start();
                MongoClient client = server.newClient();
                MongoProductRepository repository = MongoProductRepository
                        .builder(MongoRepositoryConfig.forClient().withDatabase("large")).client(client).build()) {

            repository.create(request);

            RequestRecord found = repository.findRequest("big").orElseThrow();
            assertThat(found.productCount()).isEqualTo(ROWS);
            assertThat(found.status()).isEqualTo(Status.PENDING);
            assertThat(found.progress()).isEqualTo(new Progress(ROWS * IMAGES_PER_ROW, ROWS * IMAGES_PER_ROW, 0, 0, 0));

            AtomicInteger count = new AtomicInteger();
            AtomicReference<ProductRecord> last = new AtomicReference<>();
            repository.forEachProduct("big", product -> {
                assertThat(product.rowIndex()).isEqualTo(count.getAndIncrement());
                assertThat(product.images()).hasSize(IMAGES_PER_ROW)
                        .allSatisfy(image -> assertThat(image.status()).isEqualTo(Status.PENDING));
                last.set(product);
            });
            assertThat(count).hasValue(ROWS);
            assertThat(last.get().serialNumber()).isEqualTo(ROWS);
            assertThat(last.get().images().get(0).url())
                    .hasToString("https://images.example.com/p" + (ROWS - 1) + "/0.jpg");
        }
    }
}
